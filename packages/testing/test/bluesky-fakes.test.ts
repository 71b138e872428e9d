import { AtpAgent, XRPCError } from "@atproto/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { FakeBlueskyXrpc, FakeJetstream, type JetstreamEvent, type PostView, waitFor } from "../src/index.ts";

const ALICE = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
const BOB = "did:plc:z72i7hdynmk6r22z27h6tvur";

/** A real `ws` client that keeps every frame it is sent. */
interface StreamClient {
  socket: WebSocket;
  frames: string[];
  /** The frames that parse, i.e. the events. */
  events(): JetstreamEvent[];
  /** Resolves with the close code once the connection is gone. */
  closed: Promise<number>;
}

async function connect(url: string): Promise<StreamClient> {
  const socket = new WebSocket(url);
  const frames: string[] = [];
  socket.on("message", (data) => frames.push(data.toString()));
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    socket,
    frames,
    events: () => frames.flatMap((frame) => parsed(frame)),
    closed,
  };
}

function parsed(frame: string): JetstreamEvent[] {
  try {
    return [JSON.parse(frame)];
  } catch {
    return [];
  }
}

/** The HTTP refusal a WebSocket handshake got, as `ws` reports it. */
async function refusal(url: string): Promise<string> {
  const socket = new WebSocket(url);
  return new Promise((resolve) => {
    socket.once("open", () => resolve("opened"));
    socket.once("error", (error) => resolve(error.message));
  });
}

function eventsOf(client: StreamClient, count: number): Promise<JetstreamEvent[]> {
  return waitFor(() => client.events().length >= count && client.events(), {
    what: `${count} events on the client`,
  });
}

async function xrpcError(call: Promise<unknown>): Promise<XRPCError> {
  const error = await call.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(XRPCError);
  return error as XRPCError;
}

describe("FakeJetstream", () => {
  let jetstream: FakeJetstream;
  const clients: StreamClient[] = [];
  const subscribe = async (query = "") => {
    const client = await connect(`${jetstream.url}${query}`);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    jetstream = await FakeJetstream.start();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await jetstream.close();
  });

  it("sends a live client each post as Jetstream frames a commit", async () => {
    const client = await subscribe();
    const published = jetstream.publishPost({
      did: ALICE,
      rkey: "3lbbtqwzcwc2a",
      text: "is bsky down?",
      langs: ["en"],
    });

    const [received] = await eventsOf(client, 1);
    expect(received).toEqual(published);
    expect(received).toMatchObject({
      did: ALICE,
      kind: "commit",
      commit: {
        operation: "create",
        collection: "app.bsky.feed.post",
        rkey: "3lbbtqwzcwc2a",
        record: { $type: "app.bsky.feed.post", text: "is bsky down?", langs: ["en"] },
      },
    });
    expect(Math.abs(published.time_us - Date.now() * 1000)).toBeLessThan(5_000_000);
    const commit = published.commit;
    if (commit.operation === "delete") throw new Error("expected a create");
    expect(commit.rev).toMatch(/^[2-7a-z]{13}$/);
    expect(commit.cid).toMatch(/^bafyrei[a-z2-7]{52}$/);
    expect(new Date(commit.record.createdAt as string).getTime()).toBe(Math.floor(published.time_us / 1000));
    // Field order as on the real wire, for consumers that scan frames rather than parse them.
    expect(client.frames[0]).toMatch(/^\{"did":"[^"]+","time_us":\d+,"kind":"commit","commit":\{"rev":/);
  });

  it("replays from a cursor (inclusive), then carries on live", async () => {
    const start = Date.now() * 1000 - 60_000_000;
    const [first, second, third] = [0, 10, 20].map((offset) =>
      jetstream.publishPost({ did: ALICE, text: `post ${offset}`, timeUs: start + offset }),
    );
    if (!first || !second || !third) throw new Error("published three");

    const client = await subscribe(`?cursor=${second.time_us}`);
    expect(await eventsOf(client, 2)).toEqual([second, third]);
    const live = jetstream.publishPost({ did: BOB, text: "live" });
    expect((await eventsOf(client, 3))[2]).toEqual(live);

    const requested = new URL(jetstream.connectRequests.at(-1) ?? "");
    expect(requested.pathname).toBe("/subscribe");
    expect(requested.searchParams.get("cursor")).toBe(String(second.time_us));

    // A cursor from the future is the live tip: nothing is replayed.
    const future = await subscribe(`?cursor=${Date.now() * 1000 + 60_000_000}`);
    const next = jetstream.publishPost({ did: BOB, text: "after" });
    expect(await eventsOf(future, 1)).toEqual([next]);
  });

  it("filters commits by wantedCollections but sends every identity and account event", async () => {
    const posts = await subscribe("?wantedCollections=app.bsky.feed.post");
    const feed = await subscribe("?wantedCollections=app.bsky.feed.*");
    const alice = await subscribe(`?wantedDids=${ALICE}`);

    const like = jetstream.publish({
      did: BOB,
      kind: "commit",
      commit: {
        rev: "3lbbtr2gqxk2b",
        operation: "create",
        collection: "app.bsky.feed.like",
        rkey: "3lbbtr2gdbs2b",
        record: { $type: "app.bsky.feed.like", createdAt: new Date().toISOString(), subject: {} },
        cid: "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi",
      },
    });
    const follow = jetstream.publish({
      did: ALICE,
      kind: "commit",
      commit: {
        rev: "3lbbtr3aaaa2b",
        operation: "delete",
        collection: "app.bsky.graph.follow",
        rkey: "3lbb",
      },
    });
    const identity = jetstream.publish({
      did: BOB,
      kind: "identity",
      identity: { did: BOB, handle: "bob.bsky.social", seq: 1001, time: new Date().toISOString() },
    });
    const account = jetstream.publish({
      did: ALICE,
      kind: "account",
      account: {
        active: false,
        did: ALICE,
        seq: 1002,
        time: new Date().toISOString(),
        status: "deactivated",
      },
    });
    const post = jetstream.publishPost({ did: ALICE, text: "spotify down for anyone else?" });

    expect(await eventsOf(posts, 3)).toEqual([identity, account, post]);
    expect(await eventsOf(feed, 4)).toEqual([like, identity, account, post]);
    expect(await eventsOf(alice, 3)).toEqual([follow, account, post]);
    expect(jetstream.events).toEqual([like, follow, identity, account, post]);
  });

  it("refuses a bad request before the upgrade, in plain HTTP", async () => {
    expect(await refusal(`${jetstream.url}?cursor=yesterday`)).toBe("Unexpected server response: 400");
    expect(await refusal(`${jetstream.url}?wantedCollections=not%20a%20collection`)).toBe(
      "Unexpected server response: 400",
    );
    expect(await refusal(jetstream.url.replace("/subscribe", "/firehose"))).toBe(
      "Unexpected server response: 404",
    );
    const plain = await fetch(jetstream.url.replace("ws:", "http:"));
    expect(plain.status).toBe(426);
    expect(jetstream.connectRequests).toHaveLength(3);
    expect(jetstream.connectionCount).toBe(0);
  });

  it("drops connections without a close handshake; a client resumes at its last cursor", async () => {
    const client = await subscribe();
    jetstream.publishPost({ did: ALICE, text: "one" });
    const two = jetstream.publishPost({ did: ALICE, text: "two" });
    await eventsOf(client, 2);

    jetstream.dropConnections();
    expect(await client.closed).toBe(1006);
    await waitFor(() => jetstream.connectionCount === 0, { what: "the server to forget the client" });
    const three = jetstream.publishPost({ did: ALICE, text: "three, while disconnected" });

    const resumed = await subscribe(`?cursor=${two.time_us}`);
    // The cursor is inclusive: the last event seen comes again, so consumers must be idempotent.
    expect(await eventsOf(resumed, 2)).toEqual([two, three]);
  });

  it("sends raw frames verbatim to live clients and never replays them", async () => {
    const client = await subscribe();
    const before = jetstream.publishPost({ did: ALICE, text: "before" });
    await eventsOf(client, 1);
    jetstream.sendRaw('{"did":"did:plc:broken","kind":');
    const after = jetstream.publishPost({ did: ALICE, text: "after" });
    await waitFor(() => client.frames.length >= 3, { what: "three frames" });
    expect(client.frames[1]).toBe('{"did":"did:plc:broken","kind":');
    expect(client.events()).toEqual([before, after]);

    const replayed = await subscribe("?cursor=0");
    expect(await eventsOf(replayed, 2)).toEqual([before, after]);
    expect(replayed.frames).toHaveLength(2);
  });

  it("holds a requireHello stream until options_update, then filters with its options", async () => {
    const cursor = Date.now() * 1000 - 1_000_000;
    const client = await subscribe(`?requireHello=true&cursor=${cursor}`);
    jetstream.publishPost({ did: ALICE, text: "a post" });
    const like = jetstream.publish({
      did: BOB,
      kind: "commit",
      commit: {
        rev: "3lbbtr2gqxk2b",
        operation: "create",
        collection: "app.bsky.feed.like",
        rkey: "3lbbtr2gdbs2b",
        record: { $type: "app.bsky.feed.like", createdAt: new Date().toISOString(), subject: {} },
        cid: "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi",
      },
    });

    client.socket.send(
      JSON.stringify({ type: "options_update", payload: { wantedCollections: ["app.bsky.feed.like"] } }),
    );
    // Had anything gone out before the hello, the post would have come first.
    expect(await eventsOf(client, 1)).toEqual([like]);
  });

  it("disconnects a client that stops reading, and keeps serving the others", async () => {
    await jetstream.close();
    jetstream = await FakeJetstream.start({ highWaterMarkBytes: 64 * 1024, writeTimeoutMs: 300 });
    const stalled = await subscribe();
    stalled.socket.pause();
    const healthy = await subscribe();

    // 40 MB: far more than the kernel's socket buffers can hide from the server.
    const text = "x".repeat(100_000);
    for (let index = 0; index < 400; index++) jetstream.publishPost({ did: ALICE, text });

    await eventsOf(healthy, 400);
    await waitFor(() => jetstream.slowConsumersDropped === 1 && jetstream.connectionCount === 1, {
      what: "the stalled client to be dropped",
    });
    expect(stalled.frames.length).toBeLessThan(400);
  });

  it("streams posts at a steady rate for benchmarks", async () => {
    const client = await subscribe("?wantedCollections=app.bsky.feed.post");
    const result = await jetstream.stream(2_500, 5_000, (index) => ({ did: ALICE, text: `post ${index}` }));

    expect(result.published).toBe(2_500);
    // 2,500 posts at 5,000/s: the last is due half a second after the first.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(450);
    expect(result.elapsedMs).toBeLessThan(5_000);
    const events = await eventsOf(client, 2_500);
    const times = events.map((event) => event.time_us);
    expect(times.every((time, index) => index === 0 || time > (times[index - 1] as number))).toBe(true);
    expect(events.at(-1)).toMatchObject({ commit: { record: { text: "post 2499" } } });
  });
});

describe("FakeBlueskyXrpc with AtpAgent", () => {
  const account = {
    did: ALICE,
    handle: "alice.bsky.social",
    password: "abcd-efgh-ijkl-mnop",
    email: "alice@example.com",
  };
  const since = "2025-04-16T12:00:00.000Z";
  const sinceMs = Date.parse(since);
  let xrpc: FakeBlueskyXrpc;
  let agent: AtpAgent;

  beforeEach(async () => {
    xrpc = await FakeBlueskyXrpc.start({ accounts: [account], requireAuth: true });
    agent = new AtpAgent({ service: xrpc.url });
  });
  afterEach(() => xrpc.close());

  const login = () => agent.login({ identifier: account.handle, password: account.password });
  const search = (params: { q: string; cursor?: string; limit?: number; since?: string; until?: string }) =>
    agent.app.bsky.feed.searchPosts({ sort: "latest", ...params });

  it("logs in with identifier and password, and refuses a wrong password as the PDS does", async () => {
    const response = await login();
    expect(response.data).toMatchObject({ did: ALICE, handle: account.handle, active: true });
    expect(agent.session).toMatchObject({ did: ALICE, handle: account.handle, email: account.email });
    // The session's DID document names this server as the account's PDS, and the agent follows it.
    expect(agent.pdsUrl?.toString()).toBe(`${xrpc.url}/`);

    const refused = await xrpcError(agent.login({ identifier: account.email, password: "wrong" }));
    expect(refused.status).toBe(401);
    expect(refused.error).toBe("AuthenticationRequired");
    expect(refused.message).toBe("Invalid identifier or password");
    expect(xrpc.logins).toBe(1);
    expect(xrpc.requestCount("com.atproto.server.createSession")).toBe(2);
  });

  it("pages through matching posts newest first, since inclusive and until exclusive", async () => {
    await login();
    const minute = 60_000;
    for (let index = 0; index < 60; index++) {
      xrpc.addPost({
        did: BOB,
        text: `Spotify is DOWN again #${index}`,
        createdAt: new Date(sinceMs + index * minute),
      });
    }
    const atSince = xrpc.addPost({ did: BOB, text: "spotify down?", createdAt: since });
    const before = xrpc.addPost({ did: BOB, text: "spotify down before", createdAt: new Date(sinceMs - 1) });
    const atUntil = xrpc.addPost({
      did: BOB,
      text: "spotify down at until",
      createdAt: new Date(sinceMs + 60 * minute),
    });
    xrpc.addPost({ did: BOB, text: "spotify works fine", createdAt: new Date(sinceMs + minute) });
    xrpc.addPost({ did: BOB, text: "download spotify", createdAt: new Date(sinceMs + minute) });
    const until = new Date(sinceMs + 60 * minute).toISOString();

    const pages: PostView[][] = [];
    let cursor: string | undefined;
    do {
      const { data } = await search({ q: "spotify down", since, until, cursor, limit: 25 });
      if (pages.length === 0) expect(data.hitsTotal).toBe(61);
      pages.push(data.posts as unknown as PostView[]);
      if (pages.length === 1) {
        // A newer post arriving mid-paging must not shift later pages.
        xrpc.addPost({
          did: BOB,
          text: "spotify down right now",
          createdAt: new Date(sinceMs + 59.5 * minute),
        });
      }
      cursor = data.cursor;
    } while (cursor);

    expect(pages.map((page) => page.length)).toEqual([25, 25, 11]);
    const posts = pages.flat();
    const uris = posts.map((post) => post.uri);
    expect(new Set(uris).size).toBe(61);
    expect(uris).toContain(atSince.uri);
    expect(uris).not.toContain(before.uri);
    expect(uris).not.toContain(atUntil.uri);
    const times = posts.map((post) => Date.parse(post.record.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times[0]).toBe(sinceMs + 59 * minute);
    const { data } = await search({ q: "spotify down", since, until, limit: 1 });
    const [newest] = data.posts;
    expect(newest?.record).toMatchObject({ text: "spotify down right now" });
    expect(newest?.author).toMatchObject({ did: BOB, handle: expect.stringMatching(/\.bsky\.social$/) });
  });

  it("refreshes the session transparently when the access token has expired", async () => {
    await login();
    xrpc.addPost({ did: BOB, text: "bluesky down" });
    const firstToken = agent.session?.accessJwt;
    xrpc.expireAccessTokens();
    // What the server answers a stale token, and what the agent reacts to.
    const stale = await fetch(`${xrpc.url}/xrpc/app.bsky.feed.searchPosts?q=down`, {
      headers: { authorization: `Bearer ${firstToken}` },
    });
    expect(stale.status).toBe(400);
    expect(await stale.json()).toEqual({ error: "ExpiredToken", message: "Token has expired" });

    const { data } = await search({ q: "down" });
    expect(data.posts).toHaveLength(1);
    expect(xrpc.refreshes).toBe(1);
    // The stale attempt, then the retry with the new token.
    expect(xrpc.requestCount("app.bsky.feed.searchPosts")).toBe(3);
    expect(agent.session?.accessJwt).not.toBe(firstToken);
  });

  it("gives up the session when the refresh token has expired too", async () => {
    await login();
    xrpc.expireAccessTokens();
    xrpc.expireRefreshTokens();
    const error = await xrpcError(search({ q: "down" }));
    expect(error.status).toBe(400);
    expect(error.error).toBe("ExpiredToken");
    expect(agent.session).toBeUndefined();
    await login();
    expect((await search({ q: "down" })).data.posts).toEqual([]);
  });

  it("resumes a saved session and describes it with getSession", async () => {
    await login();
    const saved = agent.session;
    if (!saved) throw new Error("logged in");
    const resumed = new AtpAgent({ service: xrpc.url });
    await resumed.resumeSession(saved);
    expect(xrpc.refreshes).toBe(1);
    const { data } = await resumed.com.atproto.server.getSession();
    expect(data).toMatchObject({ did: ALICE, handle: account.handle, emailConfirmed: true, active: true });
  });

  it("refuses an anonymous search when auth is required", async () => {
    const error = await xrpcError(search({ q: "down" }));
    expect(error.status).toBe(401);
    expect(error.error).toBe("AuthMissing");
  });

  it("reports its rate limit in headers and answers 429 over it", async () => {
    await login();
    xrpc.setRateLimit({ limit: 2, windowSeconds: 60 });
    const first = await search({ q: "down" });
    expect(first.headers).toMatchObject({
      "ratelimit-limit": "2",
      "ratelimit-remaining": "1",
      "ratelimit-policy": "2;w=60",
    });
    await search({ q: "down" });

    const error = await xrpcError(search({ q: "down" }));
    expect(error.status).toBe(429);
    expect(error.error).toBe("RateLimitExceeded");
    expect(error.message).toBe("Rate Limit Exceeded");
    // How a caller learns when to come back: ratelimit-reset is epoch seconds.
    const resetAtMs = Number(error.headers?.["ratelimit-reset"]) * 1000;
    expect(resetAtMs).toBeGreaterThan(Date.now());
    expect(resetAtMs).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(Number(error.headers?.["retry-after"])).toBeLessThanOrEqual(60);
    expect(xrpc.refreshes).toBe(0);
  });

  it("fails the next requests as told, then recovers", async () => {
    await login();
    xrpc.failNext(2, 502, undefined, { method: "app.bsky.feed.searchPosts" });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await xrpcError(search({ q: "down" }));
      expect(error.status).toBe(502);
      expect(error.error).toBe("UpstreamFailure");
    }
    xrpc.failNext(1, 429);
    const limited = await xrpcError(search({ q: "down" }));
    expect(limited.status).toBe(429);
    expect(limited.headers?.["ratelimit-remaining"]).toBe("0");
    expect((await search({ q: "down" })).success).toBe(true);
    expect(xrpc.requestCount("app.bsky.feed.searchPosts")).toBe(4);
  });

  it("answers 400 InvalidRequest to bad parameters", async () => {
    await login();
    const bad = [
      { q: "down", limit: 0 },
      { q: "down", limit: 500 },
      { q: "down", since: "yesterday" },
      { q: "down", until: "2025-13-45T99:00:00Z" },
      { q: "down", cursor: "not-a-cursor" },
    ];
    for (const params of bad) {
      const error = await xrpcError(search(params));
      expect(error.status, JSON.stringify(params)).toBe(400);
      expect(error.error).toBe("InvalidRequest");
    }
    const tooBig = await xrpcError(search({ q: "down", limit: 500 }));
    expect(tooBig.message).toContain("maximum 100");
    expect(xrpc.refreshes).toBe(0);
  });
});
