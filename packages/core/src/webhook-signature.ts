import { createHmac, timingSafeEqual } from "node:crypto";

/** The header carrying a delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = "Outcry-Signature";

/**
 * How old a signed delivery may be and still be accepted: long enough for clock skew and a slow
 * network, short enough that a captured delivery cannot be replayed later.
 */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** HMAC-SHA256, hex, over "<timestamp>.<body>": signing the time too is what stops replays. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The signature header for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

/**
 * A receiver's check, as documented for subscribers: the header parses, its time is within the
 * tolerance of `now`, and one of its v1 signatures matches (several may come while a secret is rolled).
 */
export function verifyWebhook(
  secret: string,
  header: string | null | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const parts = header.split(",").map((part) => part.trim().split("="));
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), "hex");
  return parts
    .filter(([key, value]) => key === "v1" && value !== undefined && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value as string, "hex"), expected));
}
