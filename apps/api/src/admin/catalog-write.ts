import { Catalog, type Service } from "@outcry/core";
import { saveEditedService, whileAvailable } from "@outcry/db";
import type { ApiDeps } from "../app-env.ts";
import { ApiError } from "../errors.ts";

/**
 * Checks a new or changed service against the whole catalog (unique slugs and aliases), saves it,
 * and has every process reload the catalog. A clash is a 400 naming the field.
 */
export async function writeService(deps: ApiDeps, service: Service): Promise<void> {
  const others = deps
    .catalog()
    .list()
    .filter((existing) => existing.slug !== service.slug);
  const checked = Catalog.safeParse([...others, service]);
  if (!checked.success) {
    const issue = checked.error.issues.find((candidate) => candidate.path[0] === others.length);
    const first = issue ?? checked.error.issues[0];
    const field = first?.path.slice(1).map(String).join(".") || "body";
    throw new ApiError({
      code: "invalid_request",
      message: `${field}: ${first?.message ?? "invalid"}`,
      field,
    });
  }
  await whileAvailable(() => saveEditedService(deps.db, service));
  await deps.catalogChanged?.();
}
