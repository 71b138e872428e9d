import { ApiKeyScope } from "@outcry/core";
import { type Db, listApiKeys, revokeApiKey } from "@outcry/db";
import { createAdminKey } from "../admin-keys.ts";
import { CliInputError } from "./detect-csv.ts";

/**
 * `outcry keys create|list|revoke`: admin keys straight in the database, for the first key of a
 * deployment and for recovery. The API manages them too (POST /v1/admin/keys).
 */
export async function keysCommand(
  db: Db,
  args: { action: string | undefined; name?: string | undefined; scopes: string[]; id?: string | undefined },
  out: NodeJS.WritableStream,
): Promise<void> {
  switch (args.action) {
    case "create": {
      if (!args.name) throw new CliInputError("keys create needs --name (who or what will use the key)");
      const scopes = args.scopes.length > 0 ? args.scopes : [...ApiKeyScope.options];
      const bad = scopes.find((scope) => !ApiKeyScope.safeParse(scope).success);
      if (bad) throw new CliInputError(`unknown scope "${bad}"; scopes: ${ApiKeyScope.options.join(", ")}`);
      const { id, key } = await createAdminKey(db, args.name, scopes as ApiKeyScope[]);
      out.write(`${key}\n`);
      process.stderr.write(`key ${id} (${scopes.join(", ")}): store it now, it is not shown again\n`);
      return;
    }
    case "list":
      for (const key of await listApiKeys(db)) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "live";
        out.write(`${key.id}  ${key.prefix}…  ${key.name}  [${key.scopes.join(", ")}]  ${state}\n`);
      }
      return;
    case "revoke":
      if (!args.id) throw new CliInputError("keys revoke needs the key's id (see keys list)");
      if (!(await revokeApiKey(db, args.id))) throw new CliInputError(`no live key ${args.id}`);
      out.write(`revoked ${args.id}\n`);
      return;
    default:
      throw new CliInputError(`keys takes create, list or revoke (got "${args.action ?? ""}")`);
  }
}
