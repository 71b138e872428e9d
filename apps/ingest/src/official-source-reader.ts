import { AppBskyFeedPost, type AtpAgent, XRPCError } from "@atproto/api";
import type { OfficialSource } from "@outcry/core";
import {
  type AccountPost,
  type OfficialChange,
  type OfficialState,
  parseStatusFeed,
  parseStatuspageIncidents,
  parseStatuspageSummary,
  readAccountPosts,
  readOfficialState,
  readStatusFeed,
  readStatuspage,
} from "@outcry/official";
import { type FetchedDocument, FetchProblem, type Validators } from "./official-fetch.ts";

export type DocumentValidators = Record<string, Validators>;

/** What the poller remembers of a source between readings. */
export interface StoredSource {
  validators: DocumentValidators;
  state: unknown;
}

export interface SourceReading {
  validators: DocumentValidators;
  /** Undefined when nothing changed (every document answered 304). */
  state?: OfficialState;
  changes: OfficialChange[];
  /** Documents that answered with a permanent redirect: the catalog should name the new URL. */
  moved: Array<{ from: string; to: string }>;
}

export interface ReadContext {
  fetch(url: string, validators: Validators | undefined, accept: string): Promise<FetchedDocument>;
  /** Waits the per-host interval between two requests of one reading. */
  between(): Promise<void>;
  /** The XRPC client that reads official accounts' posts. */
  bluesky(): AtpAgent;
}

const JSON_ACCEPT = "application/json";
const FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8";
// An official account posts a few times a day; the newest 30 cover a minute's poll many times over.
const ACCOUNT_POSTS = 30;

/** Reads one source once: its documents (conditionally), parsed and diffed against what is stored. */
export async function readOfficialSource(
  source: OfficialSource,
  stored: StoredSource | undefined,
  context: ReadContext,
): Promise<SourceReading> {
  const previous = readOfficialState(stored?.state);
  // Without a usable previous state, a 304 would leave nothing to diff against: ask for everything.
  const validators = previous ? (stored?.validators ?? {}) : {};
  switch (source.kind) {
    case "statuspage": {
      const base = source.url.replace(/\/+$/, "");
      const summaryUrl = `${base}/api/v2/summary.json`;
      const incidentsUrl = `${base}/api/v2/incidents.json`;
      const moved: SourceReading["moved"] = [];
      const summary = await context.fetch(summaryUrl, validators[summaryUrl], JSON_ACCEPT);
      if (!summary.modified) return { validators, changes: [], moved };
      noteMove(moved, summaryUrl, summary);
      const parsedSummary = parseStatuspageSummary(summary.body);
      // The summary changed: incidents.json holds what it no longer lists (the resolved ones).
      await context.between();
      const incidents = await context.fetch(incidentsUrl, validators[incidentsUrl], JSON_ACCEPT);
      noteMove(moved, incidentsUrl, incidents);
      const parsedIncidents = incidents.modified ? parseStatuspageIncidents(incidents.body) : undefined;
      const reading = readStatuspage(
        parsedSummary,
        parsedIncidents,
        previous?.kind === "statuspage" ? previous : undefined,
      );
      return {
        validators: {
          [summaryUrl]: summary.validators,
          [incidentsUrl]: incidents.modified ? incidents.validators : (validators[incidentsUrl] ?? {}),
        },
        ...reading,
        moved,
      };
    }
    case "feed": {
      const moved: SourceReading["moved"] = [];
      const document = await context.fetch(source.url, validators[source.url], FEED_ACCEPT);
      if (!document.modified) return { validators, changes: [], moved };
      noteMove(moved, source.url, document);
      const reading = readStatusFeed(
        parseStatusFeed(document.body),
        previous?.kind === "feed" ? previous : undefined,
      );
      return { validators: { [source.url]: document.validators }, ...reading, moved };
    }
    case "bluesky": {
      const posts = await authorPosts(context.bluesky(), source.handle);
      const reading = readAccountPosts(
        { handle: source.handle, did: posts.did ?? (previous?.kind === "bluesky" ? previous.did : "") },
        posts.posts,
        previous?.kind === "bluesky" ? previous : undefined,
      );
      return { validators: {}, ...reading, moved: [] };
    }
  }
}

function noteMove(moved: SourceReading["moved"], from: string, document: FetchedDocument): void {
  if (document.modified && document.movedTo) moved.push({ from, to: document.movedTo });
}

/** The account's own posts (no reposts, no replies), newest first, checked against the lexicon. */
async function authorPosts(agent: AtpAgent, handle: string): Promise<{ did?: string; posts: AccountPost[] }> {
  try {
    const response = await agent.app.bsky.feed.getAuthorFeed({
      actor: handle,
      filter: "posts_no_replies",
      limit: ACCOUNT_POSTS,
    });
    const posts: AccountPost[] = [];
    let did: string | undefined;
    for (const item of response.data.feed) {
      if (item.reason) continue;
      const record = AppBskyFeedPost.validateRecord(item.post.record);
      if (!record.success) continue;
      did ??= item.post.author.did;
      posts.push({
        uri: item.post.uri,
        text: record.value.text,
        createdAt: record.value.createdAt,
        indexedAt: item.post.indexedAt,
      });
    }
    return { ...(did ? { did } : {}), posts };
  } catch (error) {
    if (!(error instanceof XRPCError)) throw error;
    const reset = Number(error.headers?.["ratelimit-reset"]);
    const status = error.status;
    if (status === 429) {
      throw new FetchProblem("rate_limited", "XRPC 429", {
        status,
        ...(Number.isFinite(reset) ? { retryAfterMs: Math.max(0, reset * 1000 - Date.now()) } : {}),
      });
    }
    // XRPCError's status 1 is a network failure (the client's ResponseType.Unknown).
    if (status < 100) throw new FetchProblem("network", error.message);
    throw new FetchProblem(
      status >= 500 ? "server_error" : "client_error",
      `XRPC ${status}: ${error.message}`,
      {
        status,
      },
    );
  }
}
