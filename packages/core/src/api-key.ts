import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

/**
 * What an admin key may do. `keys:write` manages keys themselves, so it is the root scope: give it
 * to the operator's first key only.
 */
export const ApiKeyScope = z.enum(["catalog:write", "webhooks:write", "keys:write"]);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

/** Recognisable in logs and by secret scanners; the random part is 32 bytes, base64url. */
const KEY_PREFIX = "ocy_";

export interface NewApiKey {
  /** The secret, shown once. */
  key: string;
  /** Its first characters, kept to tell keys apart. */
  prefix: string;
  hash: string;
}

export function generateApiKey(): NewApiKey {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { key, prefix: key.slice(0, KEY_PREFIX.length + 6), hash: hashApiKey(key) };
}

/** SHA-256, hex: the key is random and long, so a fast hash is as safe as a slow one here. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
