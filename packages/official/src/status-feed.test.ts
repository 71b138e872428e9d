import { describe, expect, it } from "vitest";
import { OfficialParseError } from "./official-parse-error.ts";
import { parseStatusFeed, readStatusFeed } from "./status-feed.ts";

// RSS 2.0 as status pages publish it: one item per incident, dates in RFC 822 with the zone the
// provider writes in.
const rss = (items: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Example Cloud Status</title>
    <link>https://status.example.com</link>
    <description>Incidents and maintenance</description>
    ${items}
  </channel>
</rss>`;
const item = (guid: string, title: string, pubDate: string, description: string) => `
    <item>
      <title>${title}</title>
      <link>https://status.example.com/incidents/${guid}</link>
      <guid isPermaLink="false">${guid}</guid>
      <pubDate>${pubDate}</pubDate>
      <description><![CDATA[${description}]]></description>
    </item>`;

const atom = (updated: string, content: string) => `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">
  <id>tag:status.example.com,2005:/history</id>
  <link rel="alternate" type="text/html" href="https://status.example.com"/>
  <title>Example Status - Incident History</title>
  <updated>${updated}</updated>
  <entry>
    <id>tag:status.example.com,2005:Incident/24123</id>
    <published>2025-04-16T21:41:02+09:00</published>
    <updated>${updated}</updated>
    <link rel="alternate" type="text/html" href="https://status.example.com/incidents/k1"/>
    <title>Login failures</title>
    <content type="html">${content}</content>
  </entry>
</feed>`;

const utc = (iso: string) => Date.parse(iso);

describe("status feeds", () => {
  it("reads RSS items with their zones, and records each new item once", () => {
    const first = parseStatusFeed(
      rss(item("i1", "Elevated API errors", "Wed, 16 Apr 2025 05:41:02 PDT", "<p>We are investigating.</p>")),
    );
    expect(first.title).toBe("Example Cloud Status");
    expect(first.entries).toEqual([
      {
        id: "i1",
        title: "Elevated API errors",
        url: "https://status.example.com/incidents/i1",
        text: "We are investigating.",
        publishedAt: utc("2025-04-16T12:41:02Z"),
        updatedAt: utc("2025-04-16T12:41:02Z"),
        resolved: false,
      },
    ]);
    const reading = readStatusFeed(first, undefined);
    expect(reading.changes).toEqual([
      expect.objectContaining({
        naturalKey: "item:i1:created",
        kind: "incident-created",
        at: utc("2025-04-16T12:41:02Z"),
      }),
    ]);
    expect(readStatusFeed(first, reading.state).changes).toEqual([]);

    const later = parseStatusFeed(
      rss(
        item(
          "i2",
          "[RESOLVED] Elevated API errors",
          "Wed, 16 Apr 2025 14:30:00 +0100",
          "Errors are back to normal.",
        ) +
          item("i1", "Elevated API errors", "Wed, 16 Apr 2025 05:41:02 PDT", "<p>We are investigating.</p>"),
      ),
    );
    const next = readStatusFeed(later, reading.state);
    expect(next.changes.map((change) => [change.naturalKey, change.at])).toEqual([
      ["item:i2:created", utc("2025-04-16T13:30:00Z")],
      ["item:i2:resolved", utc("2025-04-16T13:30:00Z")],
    ]);
  });

  it("records an Atom entry's updates and its resolution, in the provider's time", () => {
    const open = readStatusFeed(
      parseStatusFeed(
        atom(
          "2025-04-16T21:41:02+09:00",
          "&lt;p&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - Looking into it.&lt;/p&gt;",
        ),
      ),
      undefined,
    );
    expect(open.changes.map((change) => change.kind)).toEqual(["incident-created"]);
    expect(open.changes[0]?.at).toBe(utc("2025-04-16T12:41:02Z"));
    const closed = readStatusFeed(
      parseStatusFeed(
        atom(
          "2025-04-16T13:30:00Z",
          "&lt;p&gt;&lt;strong&gt;Resolved&lt;/strong&gt; - This incident has been resolved.&lt;/p&gt;&lt;p&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - Looking into it.&lt;/p&gt;",
        ),
      ),
      open.state,
    );
    expect(closed.changes.map((change) => [change.naturalKey, change.at])).toEqual([
      [
        "item:tag:status.example.com,2005:Incident/24123:updated:2025-04-16T13:30:00.000Z",
        utc("2025-04-16T13:30:00Z"),
      ],
      ["item:tag:status.example.com,2005:Incident/24123:resolved", utc("2025-04-16T13:30:00Z")],
    ]);
    expect(closed.changes[1]?.body).toMatch(/^Resolved - This incident has been resolved/);
  });

  it("refuses broken XML, an HTML page and XML that is no feed, saying which", () => {
    const problem = (body: string) => {
      try {
        parseStatusFeed(body);
      } catch (error) {
        expect(error).toBeInstanceOf(OfficialParseError);
        return (error as Error).message;
      }
      throw new Error("accepted");
    };
    const whole = rss(item("i1", "Elevated API errors", "Wed, 16 Apr 2025 05:41:02 PDT", "x"));
    expect(problem(whole.slice(0, whole.length - 30))).toMatch(/^feed: broken XML at line \d+/);
    expect(problem("<!DOCTYPE html><html><head><title>Moved</title></head></html>")).toMatch(
      /^feed: HTML instead of RSS or Atom/,
    );
    expect(problem('<?xml version="1.0"?><sitemap><url/></sitemap>')).toMatch(/^feed: not RSS or Atom/);
  });

  it("leaves out items that carry no readable date", () => {
    const feed = parseStatusFeed(rss(item("i1", "Undated", "sometime soon", "x")));
    expect(feed.entries).toEqual([]);
  });
});
