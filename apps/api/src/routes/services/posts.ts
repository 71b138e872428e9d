import { createRoute, z } from "@hono/zod-openapi";
import { ServiceSlug } from "@outcry/core";
import { latestPosts, whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { errorResponse, openApiErrorResponses } from "../../errors.ts";
import { findService } from "./find-service.ts";

const PostJson = z
  .object({
    uri: z.string().openapi({ example: "at://did:plc:abc/app.bsky.feed.post/3l3qo2vuowo2b" }),
    url: z.url().openapi({ description: "The post on bsky.app" }),
    text: z.string(),
    lang: z.string(),
    region: z.string().openapi({ description: "ISO 3166-1 alpha-2, or ZZ when unknown" }),
    problem: z.string().nullable(),
    score: z.number().openapi({ description: "The complaint model's probability" }),
    postedAt: z.iso.datetime(),
  })
  .openapi("Post");

const route = createRoute({
  method: "get",
  path: "/v1/services/{slug}/posts",
  tags: ["services"],
  summary: "The latest public posts complaining about a service (what people say)",
  request: {
    params: z.object({ slug: ServiceSlug }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      before: z.iso.datetime({ offset: true }).optional().openapi({
        description: "Only posts older than this (ISO 8601): the next page after the last postedAt",
      }),
    }),
  },
  responses: {
    200: {
      description: "Newest first",
      content: { "application/json": { schema: z.object({ posts: z.array(PostJson) }) } },
    },
    404: errorResponse("No such service"),
    ...openApiErrorResponses,
  },
});

export function registerServicePosts(app: App) {
  app.openapi(route, async (c) => {
    const { slug } = c.req.valid("param");
    const { limit, before } = c.req.valid("query");
    const deps = c.get("deps");
    findService(deps, slug);
    const rows = await whileAvailable(() =>
      latestPosts(deps.db, slug, limit, before === undefined ? undefined : Date.parse(before)),
    );
    c.header("Cache-Control", "public, max-age=15");
    return c.json(
      {
        posts: rows.map((row) => ({
          uri: row.uri,
          url: bskyUrl(row.uri),
          text: row.text,
          lang: row.lang,
          region: row.region,
          problem: row.problem,
          score: Math.round(row.score * 1000) / 1000,
          postedAt: row.postedAt.toISOString(),
        })),
      },
      200,
    );
  });
}

/** at://did/app.bsky.feed.post/rkey -> https://bsky.app/profile/did/post/rkey */
function bskyUrl(uri: string): string {
  const [, , did, , rkey] = uri.split("/");
  return `https://bsky.app/profile/${did}/post/${rkey}`;
}
