import type { MiddlewareHandler } from "hono";
import { LRUCache } from "lru-cache";
import type { AppEnv } from "./app-env.ts";

interface CachedResponse {
  // A Uint8Array and plain headers: @hono/node-server writes such a Response straight to the socket.
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

/**
 * A microcache for public queries: identical GETs within `ttlMs` share one answer, and identical
 * GETs arriving while it is computed wait for it instead of each querying Postgres. A chart a
 * newsroom embeds is loaded by thousands of readers at once; this turns that into one query a
 * second, like a CDN in front would, whose Cache-Control the answers already carry.
 * While one request recomputes an expired answer, the others get the expired one at once instead
 * of waiting (stale while revalidate): a crowd refreshing a chart every second never queues behind
 * Postgres. Only 200s are kept; an answer is at most `ttlMs` plus one computation older than the data.
 */
export function responseCache(options: { ttlMs: number; maxEntries?: number }): MiddlewareHandler<AppEnv> {
  if (options.ttlMs <= 0) return (_c, next) => next();
  const cache = new LRUCache<string, CachedResponse>({
    max: options.maxEntries ?? 2_000,
    ttl: options.ttlMs,
    // Large answers (a year of hours as CSV) count for more than small ones.
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (entry) => entry.body.byteLength + 1,
    // An expired answer stays until replaced, to be served while its replacement is computed.
    noDeleteOnStaleGet: true,
  });
  const computing = new Map<string, Promise<CachedResponse | undefined>>();
  const respond = (entry: CachedResponse, state: "hit" | "stale") =>
    new Response(entry.body, { status: 200, headers: { ...entry.headers, "X-Cache": state } });

  return async (c, next) => {
    if (c.req.method !== "GET") return next();
    const key = c.req.url;
    const fresh = cache.get(key);
    if (fresh) {
      c.res = respond(fresh, "hit");
      return;
    }
    const pending = computing.get(key);
    if (pending) {
      const stale = cache.get(key, { allowStale: true });
      const ready = stale ?? (await pending);
      if (ready) {
        c.res = respond(ready, stale ? "stale" : "hit");
        return;
      }
    }
    let settle: (entry: CachedResponse | undefined) => void = () => {};
    computing.set(key, new Promise((resolve) => (settle = resolve)));
    let entry: CachedResponse | undefined;
    try {
      await next();
      if (c.res.status === 200) {
        entry = {
          body: new Uint8Array(await c.res.clone().arrayBuffer()),
          headers: Object.fromEntries(c.res.headers.entries()),
        };
        cache.set(key, entry);
      }
    } finally {
      computing.delete(key);
      settle(entry);
    }
  };
}
