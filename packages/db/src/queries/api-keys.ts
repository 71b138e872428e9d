import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../database.ts";
import { apiKeys } from "../schema/index.ts";

export type ApiKeyRow = Omit<typeof apiKeys.$inferSelect, "hash">;

export async function insertApiKey(db: Db, key: typeof apiKeys.$inferInsert): Promise<void> {
  await db.insert(apiKeys).values(key);
}

/** The live (not revoked) key with this hash, marking it used. */
export async function useApiKey(db: Db, hash: string): Promise<ApiKeyRow | undefined> {
  const [key] = await db
    .update(apiKeys)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
    .returning();
  if (!key) return undefined;
  const { hash: _hash, ...rest } = key;
  return rest;
}

export async function listApiKeys(db: Db): Promise<ApiKeyRow[]> {
  const rows = await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
  return rows.map(({ hash: _hash, ...rest }) => rest);
}

/** Revokes a key; false when no live key has that id. */
export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return revoked.length > 0;
}
