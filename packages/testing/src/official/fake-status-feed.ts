import type { Server } from "node:http";
import { Hono } from "hono";
import {
  closeServer,
  conditionalResponse,
  FaultQueue,
  faultResponse,
  type HttpFault,
  listen,
} from "./http-faults.ts";

export interface FakeFeedEntry {
  id: string;
  title: string;
  /** HTML, as status feeds carry it. */
  html: string;
  published: number;
  updated: number;
}

export interface FakeFeedOptions {
  format: "rss" | "atom";
  title?: string;
  /**
   * RSS only: the zone pubDate is written in, as an RFC 822 zone ("GMT", "PDT", "+0200"); its
   * offset in minutes east of UTC is `rssZoneOffsetMinutes`. Default GMT.
   */
  rssZone?: string;
  rssZoneOffsetMinutes?: number;
  /** Atom only: the offset times are written in, minutes east of UTC. Default 0 ("Z"). */
  atomOffsetMinutes?: number;
}

/** One status feed (at `url`): entries tests add and change, served as RSS 2.0 or Atom 1.0. */
export class FakeStatusFeed {
  readonly url: string;
  readonly faults = new FaultQueue();
  readonly #options: FakeFeedOptions;
  readonly #entries: FakeFeedEntry[] = [];
  #requests = 0;
  #updatedAt = Date.now() - 24 * 3_600_000;
  /** A body to serve instead of the feed (broken XML, say) until cleared. */
  #override: string | undefined;

  constructor(url: string, options: FakeFeedOptions) {
    this.url = url;
    this.#options = options;
  }

  get requests(): number {
    return this.#requests;
  }

  failNext(count: number, fault: HttpFault): void {
    this.faults.add(count, fault);
  }

  /** Serves the feed cut off in the middle of an element (a truncated transfer, a broken export). */
  serveBrokenXml(broken = true): void {
    this.#override = broken ? this.xml().slice(0, Math.floor(this.xml().length * 0.6)) : undefined;
  }

  addEntry(entry: FakeFeedEntry): void {
    this.#entries.unshift(entry);
    this.#updatedAt = Math.max(this.#updatedAt, entry.updated);
  }

  updateEntry(id: string, changes: { title?: string; html?: string; updated: number }): void {
    const entry = this.#entries.find((candidate) => candidate.id === id);
    if (!entry) throw new Error(`no entry ${id}`);
    Object.assign(entry, changes);
    this.#updatedAt = Math.max(this.#updatedAt, changes.updated);
  }

  xml(): string {
    return this.#options.format === "rss" ? this.#rss() : this.#atom();
  }

  async handle(request: Request): Promise<Response> {
    this.#requests++;
    const contentType =
      this.#options.format === "rss"
        ? "application/rss+xml; charset=utf-8"
        : "application/atom+xml; charset=utf-8";
    const faulted = await faultResponse(this.faults.take(), new URL(request.url).pathname, contentType);
    if (faulted) return faulted;
    return conditionalResponse(request, this.#override ?? this.xml(), this.#updatedAt, contentType);
  }

  #rss(): string {
    const items = this.#entries
      .map(
        (entry) => `
    <item>
      <title>${escapeXml(entry.title)}</title>
      <link>${this.url}/incidents/${encodeURIComponent(entry.id)}</link>
      <guid isPermaLink="false">${escapeXml(entry.id)}</guid>
      <pubDate>${this.#rfc822(entry.published)}</pubDate>
      <description><![CDATA[${entry.html}]]></description>
    </item>`,
      )
      .join("");
    return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${escapeXml(this.#options.title ?? "Status")}</title>
    <link>${this.url}</link>
    <description>Incident history</description>
    <atom:link href="${this.url}" rel="self" type="application/rss+xml"/>
    <lastBuildDate>${this.#rfc822(this.#updatedAt)}</lastBuildDate>${items}
  </channel>
</rss>
`;
  }

  #atom(): string {
    const entries = this.#entries
      .map(
        (entry) => `
  <entry>
    <id>${escapeXml(entry.id)}</id>
    <published>${this.#iso(entry.published)}</published>
    <updated>${this.#iso(entry.updated)}</updated>
    <link rel="alternate" type="text/html" href="${this.url}/incidents/${encodeURIComponent(entry.id)}"/>
    <title>${escapeXml(entry.title)}</title>
    <content type="html">${escapeXml(entry.html)}</content>
  </entry>`,
      )
      .join("");
    return `<?xml version="1.0" encoding="UTF-8"?>
<feed xml:lang="en-US" xmlns="http://www.w3.org/2005/Atom">
  <id>${this.url}</id>
  <link rel="alternate" type="text/html" href="${this.url}"/>
  <link rel="self" type="application/atom+xml" href="${this.url}"/>
  <title>${escapeXml(this.#options.title ?? "Status")}</title>
  <updated>${this.#iso(this.#updatedAt)}</updated>${entries}
</feed>
`;
  }

  #rfc822(ms: number): string {
    const offset = this.#options.rssZoneOffsetMinutes ?? 0;
    const shifted = new Date(ms + offset * 60_000).toUTCString(); // "Wed, 16 Apr 2025 12:38:04 GMT"
    return `${shifted.slice(0, -4)} ${this.#options.rssZone ?? "GMT"}`;
  }

  #iso(ms: number): string {
    const offset = this.#options.atomOffsetMinutes ?? 0;
    if (offset === 0) return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
    const abs = Math.abs(offset);
    return `${local}${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  }
}

/**
 * A local server of status feeds for offline tests: each feed at `${url}/${slug}/feed`, RSS 2.0 or
 * Atom 1.0 as status pages publish them (one entry per incident, updated as it goes), with a weak
 * ETag and Last-Modified and 304s, and the same injectable faults as FakeStatuspage, plus broken
 * XML.
 */
export class FakeStatusFeeds {
  readonly url: string;
  readonly #server: Server;
  readonly #feeds = new Map<string, FakeStatusFeed>();

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(): Promise<FakeStatusFeeds> {
    let fake: FakeStatusFeeds | undefined;
    const app = new Hono();
    app.get("/:slug/feed", (c) => {
      const feed = (fake as FakeStatusFeeds).#feeds.get(c.req.param("slug"));
      return feed ? feed.handle(c.req.raw) : c.text("Not Found", 404);
    });
    app.get(
      "/:slug/feed/loop",
      (c) => new Response(null, { status: 302, headers: { location: `/${c.req.param("slug")}/feed` } }),
    );
    app.all("*", (c) => c.text("Not Found", 404));
    const { server, url } = await listen(app);
    fake = new FakeStatusFeeds(server, url);
    return fake;
  }

  addFeed(slug: string, options: FakeFeedOptions): FakeStatusFeed {
    if (this.#feeds.has(slug)) throw new Error(`feed ${slug} exists`);
    const feed = new FakeStatusFeed(`${this.url}/${slug}/feed`, options);
    this.#feeds.set(slug, feed);
    return feed;
  }

  async close(): Promise<void> {
    await closeServer(this.#server);
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
