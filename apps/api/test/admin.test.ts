import { body } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

const newService = {
  slug: "acme-cloud",
  name: "Acme Cloud",
  category: "cloud",
  aliases: ["acme cloud", "acmecloud"],
  keywords: ["acme cloud down"],
  problems: [
    { id: "console", label: "Console" },
    { id: "api", label: "API" },
  ],
};

describe("admin keys and catalog changes", () => {
  let api: TestApi;
  let catalogKey: string;
  beforeAll(async () => {
    api = await startTestApi();
    catalogKey = await api.adminKey(["catalog:write"]);
  });
  afterAll(() => api.close());

  const send = (method: string, path: string, payload?: unknown, key?: string) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });

  it("refuses a catalog change without a key, with a bad key, or with a key lacking the scope", async () => {
    const none = await send("POST", "/v1/services", newService);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect((await body(none)).error).toMatchObject({ code: "unauthorized", field: "authorization" });

    const wrong = await send("POST", "/v1/services", newService, "ocy_not-a-key");
    expect(wrong.status).toBe(401);

    const webhooksOnly = await api.adminKey(["webhooks:write"]);
    const forbidden = await send("POST", "/v1/services", newService, webhooksOnly);
    expect(forbidden.status).toBe(403);
    expect((await body(forbidden)).error.code).toBe("forbidden");
    expect((await send("GET", "/v1/services/acme-cloud")).status).toBe(404);
  });

  it("adds a service that can be reported at once", async () => {
    const created = await send("POST", "/v1/services", newService, catalogKey);
    expect(created.status).toBe(201);
    expect(await body(created)).toMatchObject({ slug: "acme-cloud", countries: [] });
    const shown = await body(send("GET", "/v1/services/acme-cloud"));
    expect(shown.service.problems).toHaveLength(2);
    const report = await api.post({ service: "acme-cloud", problem: "console", region: "DE" });
    expect(report.status).toBe(202);
    const again = await send("POST", "/v1/services", newService, catalogKey);
    expect(again.status).toBe(409);
    expect((await body(again)).error.field).toBe("slug");
  });

  it("refuses an alias another service owns, naming the field, and changes nothing", async () => {
    const clash = await send("PATCH", "/v1/services/acme-cloud", { aliases: ["spotify"] }, catalogKey);
    expect(clash.status).toBe(400);
    const error = (await body(clash)).error;
    expect(error.field).toBe("aliases");
    expect(error.message).toContain("spotify");
    const unknown = await send("PATCH", "/v1/services/acme-cloud", { colour: "red" }, catalogKey);
    expect(unknown.status).toBe(400);
    expect((await body(unknown)).error.field).toBe("colour");
    const shown = await body(send("GET", "/v1/services/acme-cloud"));
    expect(shown.service.aliases).toEqual(newService.aliases);
  });

  it("changes problem types, and reports follow the new list", async () => {
    const changed = await send(
      "PATCH",
      "/v1/services/acme-cloud",
      { problems: [{ id: "billing", label: "Billing" }] },
      catalogKey,
    );
    expect(changed.status).toBe(200);
    expect((await api.post({ service: "acme-cloud", problem: "billing", region: "DE" })).status).toBe(202);
    const stale = await api.post({ service: "acme-cloud", problem: "console", region: "FR" });
    expect(stale.status).toBe(422);
    expect((await send("PATCH", "/v1/services/nope", { name: "x" }, catalogKey)).status).toBe(404);
  });

  it("creates, lists and revokes keys through the API; a revoked key stops working at once", async () => {
    const root = await api.adminKey(["keys:write"]);
    const created = await send(
      "POST",
      "/v1/admin/keys",
      { name: "newsroom", scopes: ["catalog:write"] },
      root,
    );
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const { key, apiKey } = await body(created);
    expect(key).toMatch(/^ocy_[\w-]{40,}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);

    const listed = await body(send("GET", "/v1/admin/keys", undefined, root));
    const entry = listed.keys.find((candidate: { id: string }) => candidate.id === apiKey.id);
    expect(entry).toMatchObject({ name: "newsroom", scopes: ["catalog:write"], revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(key);

    const patch = { name: "Acme Cloud Platform" };
    expect((await send("PATCH", "/v1/services/acme-cloud", patch, key)).status).toBe(200);
    expect((await send("DELETE", `/v1/admin/keys/${apiKey.id}`, undefined, root)).status).toBe(204);
    expect((await send("PATCH", "/v1/services/acme-cloud", patch, key)).status).toBe(401);
    expect((await send("DELETE", `/v1/admin/keys/${apiKey.id}`, undefined, root)).status).toBe(404);
    const badScope = await send("POST", "/v1/admin/keys", { name: "x", scopes: ["everything"] }, root);
    expect(badScope.status).toBe(400);
    expect((await body(badScope)).error.field).toMatch(/^scopes/);
    // A catalog key cannot make keys.
    expect((await send("GET", "/v1/admin/keys", undefined, catalogKey)).status).toBe(403);
  });

  it("documents the admin routes with their bearer security", async () => {
    const document = await body(fetch(`${api.url}/openapi.json`));
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.paths["/v1/services"].post.security).toEqual([{ bearerAuth: ["catalog:write"] }]);
    expect(document.paths["/v1/services"].get.security).toBeUndefined();
  });
});
