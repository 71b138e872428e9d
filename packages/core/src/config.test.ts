import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("gives working defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe("./.data");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.trustProxyHops).toBe(0);
    expect(config.reportDedupeMs).toBe(15 * 60_000);
  });

  it("reads values and treats empty strings as unset", () => {
    const config = loadConfig({ PORT: "8080", TRUST_PROXY: "2", DATABASE_URL: "", LOG_REQUESTS: "no" });
    expect(config.port).toBe(8080);
    expect(config.trustProxyHops).toBe(2);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.logRequests).toBe(false);
  });

  it("reports every bad variable at once, naming each", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "http", DATABASE_URL: "mysql://x", TRUST_PROXY: "maybe", LOG_LEVEL: "loud" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of ["PORT", "DATABASE_URL", "TRUST_PROXY", "LOG_LEVEL"]) expect(problems).toContain(name);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it("reads the Bluesky settings: the live path can be turned off, search needs a whole login", () => {
    expect(loadConfig({}).jetstreamUrl).toMatch(/^wss:\/\/.+\/subscribe$/);
    expect(loadConfig({}).blueskyService).toBe("https://public.api.bsky.app");
    expect(loadConfig({ BLUESKY_JETSTREAM_URL: "off" }).jetstreamUrl).toBeUndefined();
    const login = loadConfig({
      BLUESKY_IDENTIFIER: "outcry.example",
      BLUESKY_APP_PASSWORD: "abcd-efgh-ijkl-mnop",
    });
    expect(login.blueskyService).toBe("https://bsky.social");
    expect(() => loadConfig({ BLUESKY_IDENTIFIER: "outcry.example" })).toThrow(/BLUESKY_APP_PASSWORD/);
    expect(() => loadConfig({ BLUESKY_JETSTREAM_URL: "http://x" })).toThrow(/BLUESKY_JETSTREAM_URL/);
  });

  it("reads the PostgreSQL scale settings: a replica needs its primary, retention defaults to keeping all", () => {
    expect(loadConfig({}).retentionDays).toBe(0);
    expect(loadConfig({ RETENTION_DAYS: "30" }).retentionDays).toBe(30);
    expect(() => loadConfig({ RETENTION_DAYS: "-1" })).toThrow(/RETENTION_DAYS/);
    expect(loadConfig({}).databaseReadUrl).toBeUndefined();
    const replicated = loadConfig({
      DATABASE_URL: "postgres://primary/outcry",
      DATABASE_READ_URL: "postgres://replica/outcry",
    });
    expect(replicated.databaseReadUrl).toBe("postgres://replica/outcry");
    expect(() => loadConfig({ DATABASE_READ_URL: "postgres://replica/outcry" })).toThrow(
      /DATABASE_READ_URL: needs DATABASE_URL/,
    );
  });
});

describe("README configuration table", () => {
  it("documents every variable loadConfig reads", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const documented = [...readme.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((match) => match[1]);
    expect(documented).toEqual(expect.arrayContaining(CONFIG_VARIABLES));
  });
});
