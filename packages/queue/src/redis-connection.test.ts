import { describe, expect, it } from "vitest";
import { parseRedisClusterUrl } from "./redis-connection.ts";

describe("parseRedisClusterUrl", () => {
  it("reads the nodes of a redis+cluster:// URL", () => {
    expect(parseRedisClusterUrl("redis+cluster://127.0.0.1:7000,10.0.0.2:7001/")).toEqual({
      nodes: [
        { host: "127.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 7001 },
      ],
    });
  });

  it("reads a password, or a user and a password, percent-decoded", () => {
    expect(parseRedisClusterUrl("redis+cluster://s%40cret@redis-0:6379")).toEqual({
      nodes: [{ host: "redis-0", port: 6379 }],
      password: "s@cret",
    });
    expect(parseRedisClusterUrl("redis+cluster://outcry:pw@redis-0:6379,redis-1:6379")).toMatchObject({
      username: "outcry",
      password: "pw",
    });
  });

  it("leaves a plain redis:// URL to the single-server client", () => {
    expect(parseRedisClusterUrl("redis://127.0.0.1:6379")).toBeUndefined();
  });

  it("names the node that is not host:port", () => {
    expect(() => parseRedisClusterUrl("redis+cluster://127.0.0.1:7000,nonsense")).toThrow(/"nonsense"/);
  });
});
