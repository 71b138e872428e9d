import { createHmac, randomBytes, randomInt, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { recordCid, tid } from "./fake-jetstream.ts";

export interface FakeBlueskyXrpcOptions {
  accounts?: FakeAccount[];
  /**
   * Refuse searchPosts without a valid access token, as the call does through a PDS. Default
   * false, as on the public AppView, where a token is optional but checked when one is sent.
   */
  requireAuth?: boolean;
  /** Default: the PDS's global limit, 3000 requests per 5 minutes. */
  rateLimit?: RateLimit;
}

export interface FakeAccount {
  did: string;
  handle: string;
  password: string;
  email?: string;
}

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export interface AddPostInput {
  did: string;
  /** Defaults to one derived from the DID. */
  handle?: string;
  displayName?: string;
  /** Defaults to a fresh TID. */
  rkey?: string;
  text: string;
  langs?: string[];
  /** The record's own claim; defaults to indexedAt. */
  createdAt?: string | Date;
  /** When the AppView saw the post; defaults to now. */
  indexedAt?: string | Date;
  likeCount?: number;
  repostCount?: number;
  replyCount?: number;
  quoteCount?: number;
}

/** app.bsky.feed.defs#postView, as far as the fake fills it. */
export interface PostView {
  uri: string;
  cid: string;
  author: { did: string; handle: string; displayName?: string; labels: unknown[] };
  record: { $type: "app.bsky.feed.post"; createdAt: string; langs?: string[]; text: string };
  bookmarkCount: number;
  replyCount: number;
  repostCount: number;
  likeCount: number;
  quoteCount: number;
  indexedAt: string;
  viewer?: { bookmarked: boolean; threadMuted: boolean; embeddingDisabled: boolean };
  labels: unknown[];
}

/** The PDS's global-ip limit (packages/pds/src/rate-limits.ts). */
const DEFAULT_RATE_LIMIT: RateLimit = { limit: 3000, windowSeconds: 300 };
const SERVICE_DID = "did:web:pds.fake.invalid";
const ACCESS_TOKEN_LIFETIME_MS = 2 * 60 * 60 * 1000;
const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;
const SEARCH_POSTS = "app.bsky.feed.searchPosts";

/**
 * A local Bluesky XRPC service for offline tests of code that logs in with @atproto/api's AtpAgent
 * and searches posts: the PDS session methods (createSession, refreshSession, getSession,
 * deleteSession) and the AppView's app.bsky.feed.searchPosts, behind the PDS's rate limiting.
 * Status codes, error names and messages, response shapes and headers follow the real servers
 * (bluesky-social/atproto: packages/pds, packages/bsky, packages/xrpc-server), so the client's
 * own logic runs for real: response validation against the lexicons, and the session refresh it
 * performs when a request fails with ExpiredToken.
 *
 * What it simplifies:
 * - Search matches tokens, case-insensitively: every term (or "quoted phrase") must appear in
 *   the post's text, and none prefixed with "-". No other Lucene syntax, no stemming, no
 *   `from:`/`since:` operators inside q; the `author` and `lang` params filter.
 * - Cursors are opaque base64 JSON naming the last post of the page (the AppView's v2 search
 *   cursors are base64 JSON too), so paging stays stable while posts are added. As the search
 *   backend does, a full page carries a cursor even when nothing follows it.
 * - One global rate limit (the PDS's is per IP: every test client is 127.0.0.1 anyway); none of
 *   the real per-method limits, such as createSession's 30 per 5 minutes.
 * - A rotated refresh token stays usable until `expireRefreshTokens()`, standing in for the
 *   PDS's two-hour reuse grace, which no test outlives.
 */
export class FakeBlueskyXrpc {
  readonly url: string;
  readonly #server: Server;
  readonly #accounts: readonly FakeAccount[];
  readonly #requireAuth: boolean;
  readonly #tokens = new SessionTokens();
  readonly #posts = new Map<string, IndexedPost>();
  readonly #injected: InjectedFailure[] = [];
  readonly #requests = new Map<string, number>();
  readonly #routes: ReadonlyMap<string, Route>;
  readonly #clockId = randomInt(1024);
  #limiter: FixedWindowLimiter;
  #logins = 0;
  #refreshes = 0;
  #rkeySequence = 0;

  private constructor(server: Server, options: FakeBlueskyXrpcOptions) {
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.#server = server;
    this.#accounts = options.accounts ?? [];
    this.#requireAuth = options.requireAuth ?? false;
    this.#limiter = new FixedWindowLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
    this.#routes = new Map<string, Route>([
      ["com.atproto.server.createSession", { method: "POST", handle: (r) => this.#createSession(r) }],
      ["com.atproto.server.refreshSession", { method: "POST", handle: (r) => this.#refreshSession(r) }],
      ["com.atproto.server.getSession", { method: "GET", handle: (r) => this.#getSession(r) }],
      ["com.atproto.server.deleteSession", { method: "POST", handle: (r) => this.#deleteSession(r) }],
      [SEARCH_POSTS, { method: "GET", handle: (r) => this.#searchPosts(r) }],
      ["app.bsky.feed.getAuthorFeed", { method: "GET", handle: (r) => this.#getAuthorFeed(r) }],
    ]);
  }

  static async start(options: FakeBlueskyXrpcOptions = {}): Promise<FakeBlueskyXrpc> {
    let fake: FakeBlueskyXrpc | undefined;
    const app = new Hono();
    // Nobody can call before `fake` is set: the port is unknown until then.
    app.all("/xrpc/:nsid", (c) => (fake as FakeBlueskyXrpc).#handle(c.req.raw, c.req.param("nsid")));
    const server = await new Promise<Server>((resolve, reject) => {
      const listening = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
        resolve(listening as Server),
      );
      listening.once("error", reject);
    });
    fake = new FakeBlueskyXrpc(server, options);
    return fake;
  }

  /** Requests received per XRPC method, rate-limited and failed ones included. */
  get requests(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#requests);
  }

  requestCount(method: string): number {
    return this.#requests.get(method) ?? 0;
  }

  /** Successful createSession calls. */
  get logins(): number {
    return this.#logins;
  }

  /** Successful refreshSession calls. */
  get refreshes(): number {
    return this.#refreshes;
  }

  /** Indexes a post for searchPosts and returns the view search results will show. */
  addPost(input: AddPostInput): PostView {
    const indexedAt = isoString(input.indexedAt ?? new Date());
    const createdAt = isoString(input.createdAt ?? indexedAt);
    const rkey =
      input.rkey ?? tid(Date.parse(createdAt) * 1000 + (this.#rkeySequence++ % 1000), this.#clockId);
    const uri = `at://${input.did}/app.bsky.feed.post/${rkey}`;
    if (this.#posts.has(uri)) throw new Error(`post ${uri} was already added`);
    // Keys in the order the record's DAG-CBOR encoding gives them.
    const record: PostView["record"] = {
      $type: "app.bsky.feed.post",
      createdAt,
      ...(input.langs ? { langs: input.langs } : {}),
      text: input.text,
    };
    const author: PostView["author"] = {
      did: input.did,
      handle: input.handle ?? handleFor(input.did),
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      labels: [],
    };
    const counts = {
      replyCount: input.replyCount ?? 0,
      repostCount: input.repostCount ?? 0,
      likeCount: input.likeCount ?? 0,
      quoteCount: input.quoteCount ?? 0,
    };
    const view: PostView = {
      uri,
      cid: recordCid(record),
      author,
      record,
      bookmarkCount: 0,
      ...counts,
      indexedAt,
      labels: [],
    };
    this.#posts.set(uri, {
      view,
      tokens: tokenize(input.text),
      // The AppView's sortAt: the earlier of the two, so a backdated post sorts by its claim and
      // a post claiming a future time sorts by when it was seen.
      sortAtMs: Math.min(Date.parse(createdAt), Date.parse(indexedAt)),
      engagement: counts.likeCount + counts.repostCount + counts.replyCount + counts.quoteCount,
      langs: input.langs ?? [],
    });
    return view;
  }

  /** Every access token issued so far now fails with ExpiredToken, as after its two hours. */
  expireAccessTokens(): void {
    this.#tokens.expireAll("com.atproto.access");
  }

  /** Every refresh token issued so far now fails with ExpiredToken: clients must log in again. */
  expireRefreshTokens(): void {
    this.#tokens.expireAll("com.atproto.refresh");
  }

  /** Enforces a new limit, starting a fresh window. */
  setRateLimit(rateLimit: RateLimit): void {
    this.#limiter = new FixedWindowLimiter(rateLimit);
  }

  /**
   * The next `count` requests (to `options.method` only, when given) fail with `status`. The body
   * defaults to the XRPC error the status stands for; a string body goes out as text/plain, as a
   * proxy's error page would. Rate-limit headers still come with them.
   */
  failNext(count: number, status: number, body?: unknown, options: { method?: string } = {}): void {
    this.#injected.push({
      remaining: count,
      status,
      body: body ?? errorBodyFor(status),
      method: options.method,
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  /**
   * The real xrpc-server's order (global rate limit, HTTP method, params, auth, handler), with
   * injected failures right after the rate limit, where an overloaded upstream would show.
   */
  async #handle(request: Request, method: string): Promise<Response> {
    this.#requests.set(method, this.requestCount(method) + 1);
    const quota = this.#limiter.consume(Date.now());
    const headers = rateLimitHeaders(quota);
    if (quota.exceeded) {
      return respond(429, errorBodyFor(429), { ...headers, "retry-after": retryAfter(quota) });
    }
    const injected = this.#takeInjectedFailure(method);
    if (injected) {
      const extra: Record<string, string> =
        injected.status === 429 ? { "ratelimit-remaining": "0", "retry-after": retryAfter(quota) } : {};
      return respond(injected.status, injected.body, { ...headers, ...extra });
    }
    try {
      const route = this.#routes.get(method);
      if (!route) throw new XrpcProblem(501, "MethodNotImplemented", "Method Not Implemented");
      if (request.method !== route.method) {
        throw new XrpcProblem(
          400,
          "InvalidRequest",
          `Incorrect HTTP method (${request.method}) expected ${route.method}`,
        );
      }
      return respond(200, await route.handle(request), headers);
    } catch (error) {
      if (!(error instanceof XrpcProblem)) throw error;
      return respond(error.status, { error: error.error, message: error.message }, headers);
    }
  }

  #takeInjectedFailure(method: string): InjectedFailure | undefined {
    const index = this.#injected.findIndex((failure) => !failure.method || failure.method === method);
    const failure = this.#injected[index];
    if (!failure) return undefined;
    failure.remaining--;
    if (failure.remaining <= 0) this.#injected.splice(index, 1);
    return failure;
  }

  async #createSession(request: Request): Promise<unknown> {
    const input = await readJsonInput(request, "com.atproto.server.createSession");
    const identifier = requiredString(input, "identifier", "com.atproto.server.createSession");
    const password = requiredString(input, "password", "com.atproto.server.createSession");
    const account = this.#findAccount(identifier);
    if (!account || account.password !== password) {
      throw new XrpcProblem(401, "AuthenticationRequired", "Invalid identifier or password");
    }
    this.#logins++;
    return { ...this.#tokens.issue(account.did), ...this.#sessionInfo(account) };
  }

  #refreshSession(request: Request): unknown {
    const refreshJwt = requireBearer(request);
    const did = this.#tokens.verify(refreshJwt, "com.atproto.refresh");
    const account = this.#accountFor(did);
    this.#refreshes++;
    return { ...this.#tokens.issue(did), ...this.#sessionInfo(account) };
  }

  #getSession(request: Request): unknown {
    const did = this.#tokens.verify(requireBearer(request), "com.atproto.access");
    return this.#sessionInfo(this.#accountFor(did));
  }

  #deleteSession(request: Request): undefined {
    const refreshJwt = requireBearer(request);
    this.#tokens.verify(refreshJwt, "com.atproto.refresh");
    this.#tokens.revoke(refreshJwt);
    return undefined;
  }

  #searchPosts(request: Request): unknown {
    const params = parseSearchParams(new URL(request.url).searchParams);
    const token = bearerToken(request);
    if (token === undefined && this.#requireAuth) {
      throw new XrpcProblem(401, "AuthMissing", "Authentication Required");
    }
    const viewer = token === undefined ? undefined : this.#tokens.verify(token, "com.atproto.access");
    const clauses = parseQuery(params.q);
    const matches = [...this.#posts.values()]
      .filter((post) => matchesSearch(post, clauses, params))
      .sort((a, b) => compareRank(sortKey(a, params.sort), sortKey(b, params.sort)));
    const afterCursor = params.cursor;
    const start = afterCursor
      ? matches.findIndex((post) => compareRank(sortKey(post, params.sort), afterCursor) > 0)
      : 0;
    const page = start < 0 ? [] : matches.slice(start, start + params.limit);
    const last = page.at(-1);
    return {
      posts: page.map((post) => (viewer ? { ...post.view, viewer: NO_VIEWER_RELATION } : post.view)),
      cursor:
        last && page.length === params.limit
          ? encodeCursor(params.sort, sortKey(last, params.sort))
          : undefined,
      hitsTotal: matches.length,
    };
  }

  /**
   * An author's own posts, newest first (by sortAt), as app.bsky.feed.getAuthorFeed answers for
   * filter posts_no_replies: every post added here is a top-level post, and none is a repost.
   * Cursors are the offset, which stays stable while no post is added.
   */
  #getAuthorFeed(request: Request): unknown {
    const query = new URL(request.url).searchParams;
    const actor = query.get("actor");
    if (!actor) throw invalidParams('Missing required key "actor"', "app.bsky.feed.getAuthorFeed");
    const limit = parseLimit(query.get("limit"), 50, "app.bsky.feed.getAuthorFeed");
    const posts = [...this.#posts.values()]
      .filter((post) => post.view.author.did === actor || post.view.author.handle === actor.toLowerCase())
      .sort((a, b) => b.sortAtMs - a.sortAtMs || (a.view.uri < b.view.uri ? 1 : -1));
    if (posts.length === 0 && !actor.startsWith("did:")) {
      throw new XrpcProblem(400, "InvalidRequest", "Profile not found");
    }
    const start = Number(query.get("cursor") ?? 0) || 0;
    const page = posts.slice(start, start + limit);
    return {
      feed: page.map((post) => ({ post: post.view })),
      ...(start + limit < posts.length ? { cursor: String(start + limit) } : {}),
    };
  }

  #findAccount(identifier: string): FakeAccount | undefined {
    const wanted = identifier.toLowerCase();
    return this.#accounts.find((account) =>
      wanted.includes("@")
        ? account.email?.toLowerCase() === wanted
        : account.handle.toLowerCase() === wanted || account.did === wanted,
    );
  }

  #accountFor(did: string): FakeAccount {
    const account = this.#accounts.find((candidate) => candidate.did === did);
    if (!account)
      throw new XrpcProblem(400, "InvalidRequest", `Could not find user info for account: ${did}`);
    return account;
  }

  /** What the PDS tells a session about its account; didDoc sends the client's calls back here. */
  #sessionInfo(account: FakeAccount): Record<string, unknown> {
    return {
      did: account.did,
      didDoc: {
        "@context": ["https://www.w3.org/ns/did/v1"],
        id: account.did,
        alsoKnownAs: [`at://${account.handle}`],
        service: [{ id: "#atproto_pds", type: "AtprotoPersonalDataServer", serviceEndpoint: this.url }],
      },
      handle: account.handle,
      email: account.email,
      emailConfirmed: account.email !== undefined,
      active: true,
    };
  }
}

interface Route {
  method: "GET" | "POST";
  handle(request: Request): unknown;
}

interface InjectedFailure {
  remaining: number;
  status: number;
  body: unknown;
  method: string | undefined;
}

/** An XRPC error response, thrown by a handler and answered by #handle. */
class XrpcProblem extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, message: string) {
    super(message);
    this.status = status;
    this.error = error;
  }
}

type TokenScope = "com.atproto.access" | "com.atproto.refresh";

interface IssuedToken {
  did: string;
  scope: TokenScope;
  expiresAtMs: number;
  expired: boolean;
  revoked: boolean;
}

/**
 * Session tokens shaped as the PDS makes them (HS256 JWTs: at+jwt for access, refresh+jwt for
 * refresh), remembered here so tests can expire or revoke them.
 */
class SessionTokens {
  readonly #secret = randomBytes(32);
  readonly #issued = new Map<string, IssuedToken>();

  issue(did: string): { accessJwt: string; refreshJwt: string } {
    return {
      accessJwt: this.#sign(did, "com.atproto.access", "at+jwt", ACCESS_TOKEN_LIFETIME_MS),
      refreshJwt: this.#sign(did, "com.atproto.refresh", "refresh+jwt", REFRESH_TOKEN_LIFETIME_MS),
    };
  }

  /** The token's DID, or the error the PDS answers for it. */
  verify(token: string, scope: TokenScope): string {
    const issued = this.#issued.get(token);
    if (!issued || issued.scope !== scope) {
      throw new XrpcProblem(400, "InvalidToken", "Token could not be verified");
    }
    if (issued.expired || Date.now() >= issued.expiresAtMs) {
      throw new XrpcProblem(400, "ExpiredToken", "Token has expired");
    }
    if (issued.revoked) throw new XrpcProblem(400, "ExpiredToken", "Token has been revoked");
    return issued.did;
  }

  revoke(token: string): void {
    const issued = this.#issued.get(token);
    if (issued) issued.revoked = true;
  }

  expireAll(scope: TokenScope): void {
    for (const issued of this.#issued.values()) if (issued.scope === scope) issued.expired = true;
  }

  #sign(did: string, scope: TokenScope, typ: string, lifetimeMs: number): string {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAtMs = issuedAt * 1000 + lifetimeMs;
    const header = base64url({ typ, alg: "HS256" });
    // A jti on every token keeps two issued in the same second apart.
    const payload = base64url({
      scope,
      aud: SERVICE_DID,
      sub: did,
      jti: randomUUID(),
      iat: issuedAt,
      exp: expiresAtMs / 1000,
    });
    const signature = createHmac("sha256", this.#secret).update(`${header}.${payload}`).digest("base64url");
    const token = `${header}.${payload}.${signature}`;
    this.#issued.set(token, { did, scope, expiresAtMs, expired: false, revoked: false });
    return token;
  }
}

interface Quota {
  limit: number;
  windowSeconds: number;
  remaining: number;
  resetsAtMs: number;
  exceeded: boolean;
}

/** A fixed window opened by the first request after the last one closed, as rate-limiter-flexible keeps it. */
class FixedWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  #windowEndsAtMs = 0;
  #consumed = 0;

  constructor({ limit, windowSeconds }: RateLimit) {
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(windowSeconds) || windowSeconds < 1) {
      throw new RangeError("a rate limit needs a whole number of requests and of seconds, both at least 1");
    }
    this.#limit = limit;
    this.#windowMs = windowSeconds * 1000;
  }

  consume(nowMs: number): Quota {
    if (nowMs >= this.#windowEndsAtMs) {
      this.#windowEndsAtMs = nowMs + this.#windowMs;
      this.#consumed = 0;
    }
    this.#consumed++;
    return {
      limit: this.#limit,
      windowSeconds: this.#windowMs / 1000,
      remaining: Math.max(0, this.#limit - this.#consumed),
      resetsAtMs: this.#windowEndsAtMs,
      exceeded: this.#consumed > this.#limit,
    };
  }
}

/** The headers xrpc-server's HttpRateLimiter sets (rate-limiter-http.ts); reset is in epoch seconds. */
function rateLimitHeaders(quota: Quota): Record<string, string> {
  return {
    "ratelimit-limit": String(quota.limit),
    "ratelimit-remaining": String(quota.remaining),
    "ratelimit-reset": String(Math.floor(quota.resetsAtMs / 1000)),
    "ratelimit-policy": `${quota.limit};w=${quota.windowSeconds}`,
    "access-control-expose-headers":
      "RateLimit-Limit, RateLimit-Reset, RateLimit-Remaining, RateLimit-Policy",
  };
}

function retryAfter(quota: Quota): string {
  return String(Math.max(0, Math.ceil((quota.resetsAtMs - Date.now()) / 1000)));
}

function respond(status: number, body: unknown, headers: Record<string, string>): Response {
  if (body === undefined) return new Response(null, { status, headers });
  if (typeof body === "string") {
    return new Response(body, {
      status,
      headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, "content-type": "application/json; charset=utf-8" },
  });
}

/** The error name and message xrpc-server gives a status when nothing more specific is known. */
const XRPC_ERRORS: Record<number, [string, string]> = {
  400: ["InvalidRequest", "Invalid Request"],
  401: ["AuthenticationRequired", "Authentication Required"],
  403: ["Forbidden", "Forbidden"],
  404: ["XRPCNotSupported", "XRPC Not Supported"],
  413: ["PayloadTooLarge", "Payload Too Large"],
  429: ["RateLimitExceeded", "Rate Limit Exceeded"],
  500: ["InternalServerError", "Internal Server Error"],
  501: ["MethodNotImplemented", "Method Not Implemented"],
  502: ["UpstreamFailure", "Upstream Failure"],
  503: ["NotEnoughResources", "Not Enough Resources"],
  504: ["UpstreamTimeout", "Upstream Timeout"],
};

function errorBodyFor(status: number): { error: string; message: string } {
  const fallback = status < 500 ? XRPC_ERRORS[400] : XRPC_ERRORS[500];
  const [error, message] = XRPC_ERRORS[status] ?? (fallback as [string, string]);
  return { error, message };
}

/** A missing header is not an error by itself: only a method that needs auth refuses it. */
function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  if (!header) return undefined;
  const [type, token, ...rest] = header.split(" ");
  if (!type || !token || rest.length > 0) {
    throw new XrpcProblem(400, "InvalidToken", "Malformed authorization header");
  }
  if (type.toLowerCase() !== "bearer") {
    throw new XrpcProblem(400, "InvalidToken", `Unsupported authorization type: ${type}`);
  }
  return token;
}

function requireBearer(request: Request): string {
  const token = bearerToken(request);
  if (token === undefined) throw new XrpcProblem(401, "AuthMissing", "Authentication Required");
  return token;
}

async function readJsonInput(request: Request, method: string): Promise<Record<string, unknown>> {
  try {
    const input: unknown = await request.json();
    if (input && typeof input === "object" && !Array.isArray(input)) return input as Record<string, unknown>;
  } catch {
    // Reported below, like a body of the wrong shape.
  }
  throw new XrpcProblem(400, "InvalidRequest", `Invalid ${method} input: Expected an object`);
}

function requiredString(input: Record<string, unknown>, key: string, method: string): string {
  const value = input[key];
  if (typeof value !== "string") {
    throw new XrpcProblem(400, "InvalidRequest", `Invalid ${method} input: Missing required key "${key}"`);
  }
  return value;
}

type SearchSort = "latest" | "top";
type SortKey = (number | string)[];

interface SearchParams {
  q: string;
  sort: SearchSort;
  sinceMs: number | undefined;
  untilMs: number | undefined;
  limit: number;
  cursor: SortKey | undefined;
  author: string | undefined;
  lang: string | undefined;
}

interface IndexedPost {
  view: PostView;
  tokens: string[];
  sortAtMs: number;
  engagement: number;
  langs: string[];
}

/** viewerState for an authenticated viewer who has not interacted with the post. */
const NO_VIEWER_RELATION = { bookmarked: false, threadMuted: false, embeddingDisabled: false };

function parseSearchParams(query: URLSearchParams): SearchParams {
  const q = query.get("q");
  if (q === null) throw invalidParams('Missing required key "q"');
  const sort: SearchSort = query.get("sort") === "top" ? "top" : "latest";
  const rawCursor = query.get("cursor");
  return {
    q,
    sort,
    sinceMs: parseDatetimeParam(query, "since"),
    untilMs: parseDatetimeParam(query, "until"),
    limit: parseLimit(query.get("limit")),
    cursor: rawCursor ? decodeCursor(rawCursor, sort) : undefined,
    author: query.get("author") ?? undefined,
    lang: query.get("lang") ?? undefined,
  };
}

function invalidParams(detail: string, method = SEARCH_POSTS): XrpcProblem {
  return new XrpcProblem(400, "InvalidRequest", `Invalid ${method} params: ${detail}`);
}

/** The lexicon's integer bounds: 1 to 100, `fallback` (searchPosts: 25; getAuthorFeed: 50) when absent. */
function parseLimit(raw: string | null, fallback = 25, method = SEARCH_POSTS): number {
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw)) {
    throw invalidParams(`Expected integer value type (got ${JSON.stringify(raw)})`, method);
  }
  const limit = Number(raw);
  if (limit < 1) throw invalidParams(`integer too small (minimum 1, got ${limit})`, method);
  if (limit > 100) throw invalidParams(`integer too big (maximum 100, got ${limit})`, method);
  return limit;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A datetime with its timezone, or (as the lexicon allows) just a date. */
function parseDatetimeParam(query: URLSearchParams, name: "since" | "until"): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const ms = DATETIME.test(raw) || ISO_DATE.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidParams(`invalid Datetime for '${name}': ${JSON.stringify(raw)}`);
  return ms;
}

interface QueryClause {
  tokens: string[];
  negated: boolean;
}

/** Terms and "quoted phrases", each optionally negated with a leading "-". */
function parseQuery(q: string): QueryClause[] {
  const clauses: QueryClause[] = [];
  for (const match of q.matchAll(/(-?)"([^"]*)"|(-?)(\S+)/g)) {
    const negated = (match[1] ?? match[3]) === "-";
    const tokens = tokenize(match[2] ?? match[4] ?? "");
    if (tokens.length > 0) clauses.push({ tokens, negated });
  }
  return clauses;
}

function tokenize(text: string): string[] {
  return (
    text
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** since is inclusive and until exclusive, both on sortAt, as the lexicon documents. */
function matchesSearch(post: IndexedPost, clauses: QueryClause[], params: SearchParams): boolean {
  if (params.sinceMs !== undefined && post.sortAtMs < params.sinceMs) return false;
  if (params.untilMs !== undefined && post.sortAtMs >= params.untilMs) return false;
  if (params.lang !== undefined && !post.langs.includes(params.lang)) return false;
  const { author } = post.view;
  if (params.author !== undefined && params.author !== author.did && params.author !== author.handle)
    return false;
  const required = clauses.filter((clause) => !clause.negated);
  if (required.length === 0) return false;
  return clauses.every((clause) => containsSequence(post.tokens, clause.tokens) !== clause.negated);
}

function containsSequence(haystack: string[], needle: string[]): boolean {
  for (let start = 0; start + needle.length <= haystack.length; start++) {
    if (needle.every((token, offset) => haystack[start + offset] === token)) return true;
  }
  return false;
}

/** latest: newest first; top: most engagement first, then newest. The URI breaks ties. */
function sortKey(post: IndexedPost, sort: SearchSort): SortKey {
  return sort === "top" ? [post.engagement, post.sortAtMs, post.view.uri] : [post.sortAtMs, post.view.uri];
}

/** Negative when `a` ranks first: every part of the key descends. */
function compareRank(a: SortKey, b: SortKey): number {
  for (let index = 0; index < a.length; index++) {
    const left = a[index] as number | string;
    const right = b[index] as number | string;
    if (left === right) continue;
    return left > right ? -1 : 1;
  }
  return 0;
}

function encodeCursor(sort: SearchSort, key: SortKey): string {
  return Buffer.from(JSON.stringify({ sort, after: key })).toString("base64");
}

/** Any cursor this fake did not hand out for this sort is refused, as the AppView refuses garbage. */
function decodeCursor(raw: string, sort: SearchSort): SortKey {
  let decoded: { sort?: unknown; after?: unknown } | undefined;
  try {
    decoded = JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const after = decoded?.after;
  const shape = sort === "top" ? ["number", "number", "string"] : ["number", "string"];
  if (
    decoded?.sort !== sort ||
    !Array.isArray(after) ||
    after.length !== shape.length ||
    !after.every((part, index) => typeof part === shape[index])
  ) {
    throw new XrpcProblem(400, "InvalidRequest", "Invalid cursor format");
  }
  return after;
}

function handleFor(did: string): string {
  const label = (did.split(":").pop() ?? "user")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 63);
  return `${label}.bsky.social`;
}

function isoString(value: string | Date): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a datetime: ${String(value)}`);
  return typeof value === "string" ? value : date.toISOString();
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
