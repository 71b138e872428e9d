import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ApiKeyScope, generateApiKey } from "@outcry/core";
import { type Db, insertApiKey, listApiKeys } from "@outcry/db";

/** Creates a key and returns its secret, the only time it exists outside the caller's hands. */
export async function createAdminKey(
  db: Db,
  name: string,
  scopes: ApiKeyScope[],
): Promise<{ id: string; key: string }> {
  const { key, prefix, hash } = generateApiKey();
  const id = crypto.randomUUID();
  await insertApiKey(db, { id, name, prefix, hash, scopes });
  return { id, key };
}

/**
 * On a first start with no admin key at all, creates one with every scope and saves it in the
 * data folder (readable by its owner only), as Jenkins does with its first password: the operator
 * of a quickstart has a way in without a separate step. Returns the file, or undefined.
 */
export async function bootstrapAdminKey(db: Db, dataDir: string): Promise<string | undefined> {
  if ((await listApiKeys(db)).length > 0) return undefined;
  const { key } = await createAdminKey(db, "bootstrap", [...ApiKeyScope.options]);
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "admin-key");
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return file;
}
