import { isIPv6 } from "node:net";

/**
 * The address a report is attributed to. The socket's peer is used unless the operator says how
 * many proxies sit in front (TRUST_PROXY): then the address that many hops from the right of
 * X-Forwarded-For, the one the outermost trusted proxy saw. Client-written entries further left are
 * never trusted, so a forged header cannot dodge rate limits.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedHops: number,
): string {
  if (trustedHops > 0 && forwardedFor) {
    const hops = forwardedFor
      .split(",")
      .map((hop) => hop.trim())
      .filter((hop) => hop.length > 0);
    const candidate = hops[Math.max(0, hops.length - trustedHops)];
    if (candidate) return candidate;
  }
  return socketAddress ?? "unknown";
}

/**
 * One identity per person where addresses allow it: IPv4-mapped IPv6 becomes plain IPv4, and IPv6
 * is cut to its /64, since one home or phone is handed a whole /64 and can rotate inside it freely.
 */
export function addressIdentity(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  // IPv4 needs no work; the colon test spares it node's IPv6 regex on the hot path.
  if (!address.includes(":") || !isIPv6(address)) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  const groups = address.includes("::") ? [...headGroups, ...zeros, ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
