import type { z } from "zod";

/**
 * A provider's answer that is not what its kind of source should send (HTML where JSON belongs,
 * broken XML, a field of the wrong shape). The message says what and where, short enough for a
 * log line and the source's last error.
 */
export class OfficialParseError extends Error {
  override name = "OfficialParseError";
}

/** JSON.parse and a zod schema, with errors turned into one readable OfficialParseError. */
export function parseWith<T extends z.ZodType>(schema: T, body: string, what: string): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const start = body.trimStart().slice(0, 200).toLowerCase();
    const looksLike = start.startsWith("<!doctype html") || start.includes("<html") ? "HTML" : undefined;
    throw new OfficialParseError(
      looksLike ? `${what}: HTML instead of JSON (${excerpt(body)})` : `${what}: not JSON (${excerpt(body)})`,
    );
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const first = issues[0];
  const where = first && first.path.length > 0 ? first.path.map(String).join(".") : "the document";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  throw new OfficialParseError(`${what}: ${where}: ${first?.message ?? "invalid"}${more}`);
}

/** The start of a body, on one line, for an error message. */
export function excerpt(body: string, length = 60): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > length ? `${flat.slice(0, length)}…` : flat);
}
