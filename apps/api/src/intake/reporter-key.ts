import { createHmac } from "node:crypto";

/**
 * Keyed hash of a reporter's address identity: stable for one secret, so one person counts once,
 * and useless without the secret, so the stored key reveals no address.
 */
export function reporterKey(secret: string, identity: string): string {
  return createHmac("sha256", secret).update(identity).digest("base64url").slice(0, 22);
}
