import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The key for reporter hashes. Configured (REPORTER_KEY_SECRET, required when several api
 * replicas must agree) or created once in the data folder, so restarts keep counting a person once.
 */
export function reporterKeySecret(
  configured: string | undefined,
  dataDir: string,
): { secret: string; source: string } {
  if (configured) return { secret: configured, source: "REPORTER_KEY_SECRET" };
  const file = join(dataDir, "reporter-key-secret");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return { secret: readFileSync(file, "utf8").trim(), source: file };
}
