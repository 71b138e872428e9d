import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook, webhookSignature } from "./webhook-signature.ts";

describe("webhook signatures", () => {
  const secret = "whsec_test";
  const body = '{"type":"incident.opened"}';
  const now = 1_760_000_000;

  it("signs the time and the body, Stripe-style", () => {
    const header = signWebhook(secret, now, body);
    expect(header).toMatch(/^t=1760000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, header, body, now + 10)).toBe(true);
  });

  it("rejects another body, another secret, a stale time, or garbage", () => {
    const header = signWebhook(secret, now, body);
    expect(verifyWebhook(secret, header, `${body} `, now)).toBe(false);
    expect(verifyWebhook("whsec_other", header, body, now)).toBe(false);
    expect(verifyWebhook(secret, header, body, now + 301)).toBe(false);
    expect(verifyWebhook(secret, header, body, now - 301)).toBe(false);
    expect(verifyWebhook(secret, "t=abc,v1=zz", body, now)).toBe(false);
    expect(verifyWebhook(secret, undefined, body, now)).toBe(false);
    // A replay with a fresh time but the old signature fails: the time is signed.
    const replay = header.replace(`t=${now}`, `t=${now + 200}`);
    expect(verifyWebhook(secret, replay, body, now + 200)).toBe(false);
  });

  it("accepts any one of several v1 signatures, for rolling a secret", () => {
    const header = `t=${now},v1=${webhookSignature("old", now, body)},v1=${webhookSignature(secret, now, body)}`;
    expect(verifyWebhook(secret, header, body, now)).toBe(true);
  });
});
