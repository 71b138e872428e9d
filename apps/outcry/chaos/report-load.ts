import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export interface ReportLoadOptions {
  /** Requests in flight at most: the load stays bounded however slow the answers get. */
  concurrency?: number;
  /** Number of the first simulated reporter, so loads in one database use different addresses. */
  offset?: number;
  /** Requests per second over all targets; as fast as the answers come when absent. */
  ratePerSecond?: number;
  /**
   * Every n-th request repeats the previous reporter and service, so it must be answered
   * counted: false (deduplicated) and never counted; off when absent.
   */
  repeatEvery?: number;
  timeoutMs?: number;
}

/** No answer: the connection failed, was reset, or the request timed out. */
export const NO_ANSWER = "error";
export type Answer = number | typeof NO_ANSWER;

/**
 * What every request got, in arrival order of the answers, as parallel arrays (a long run sends
 * hundreds of thousands): when it was sent, how long the answer took, and the answer.
 */
export class RequestLog {
  readonly sentAt: number[] = [];
  readonly latencyMs: number[] = [];
  /** The HTTP status, or 0 for no answer. */
  readonly status: number[] = [];

  get length(): number {
    return this.status.length;
  }

  add(sentAt: number, latencyMs: number, answer: Answer): void {
    this.sentAt.push(sentAt);
    this.latencyMs.push(latencyMs);
    this.status.push(answer === NO_ANSWER ? 0 : answer);
  }
}

/** An answer the api must never give: a 5xx other than 503 with Retry-After. */
export interface BadAnswer {
  sentAt: number;
  status: number;
  retryAfter: string | null;
  body: string;
}

/**
 * A steady stream of reports from many simulated reporters (one X-Forwarded-For address each, so
 * TRUST_PROXY must be 1), spread over one or more api replicas, keeping a tally of what the api
 * acknowledged.
 */
export class ReportLoad {
  /** Ids of the reports answered 202 with counted: true: each must end up counted exactly once. */
  readonly countedIds: string[] = [];
  /** When each of countedIds was sent and when its answer came (epoch ms), in the same order. */
  readonly countedSentAt: number[] = [];
  readonly countedAnsweredAt: number[] = [];
  readonly statuses = new Map<Answer, number>();
  readonly log = new RequestLog();
  readonly badAnswers: BadAnswer[] = [];
  /** Why requests got no answer, by error code (ECONNRESET, ECONNREFUSED, ABORT_ERR for a timeout). */
  readonly noAnswerReasons = new Map<string, number>();
  /** When the newest counted acknowledgement arrived (epoch ms); 0 before the first. */
  lastCountedAt = 0;
  readonly #targets: readonly string[];
  readonly #options: ReportLoadOptions;
  readonly #workers: Promise<void>[];
  readonly #agent: Agent;
  #running = true;
  #next: number;
  #nextSlot = performance.now();

  constructor(apiUrls: string | readonly string[], options: ReportLoadOptions = {}) {
    this.#targets = typeof apiUrls === "string" ? [apiUrls] : apiUrls;
    this.#options = options;
    this.#next = options.offset ?? 0;
    // Oldest idle socket first: every pooled socket stays busy, so none idles into the server's
    // keep-alive timeout and is reused just as the server closes it.
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.concurrency ?? 16, scheduling: "fifo" });
    this.#workers = Array.from({ length: options.concurrency ?? 16 }, () => this.#work());
  }

  get counted(): number {
    return this.countedIds.length;
  }

  get sent(): number {
    return this.log.length;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
    this.#agent.destroy();
  }

  async #work(): Promise<void> {
    while (this.#running) {
      await this.#pace();
      if (!this.#running) break;
      const n = this.#next++;
      const sentAt = Date.now();
      const started = performance.now();
      const answer = await this.#send(n, sentAt);
      this.#tally(sentAt, started, answer);
      if (answer === NO_ANSWER) await sleep(20);
    }
  }

  /**
   * Waits for this request's slot at the configured rate. Slots missed by more than a second are
   * given up rather than sent in a burst: the load stays steady when the api falls behind.
   */
  async #pace(): Promise<void> {
    const rate = this.#options.ratePerSecond;
    if (!rate) return;
    const now = performance.now();
    this.#nextSlot = Math.max(this.#nextSlot + 1000 / rate, now - 1000);
    if (this.#nextSlot > now) await sleep(this.#nextSlot - now);
  }

  /**
   * One report from a given address, outside the steady stream (a flood from one client), tallied
   * with the rest: its answer goes to the log, and a counted acknowledgement to countedIds.
   */
  async sendAs(
    address: string,
    report: { service: string; problem: string; region: string },
  ): Promise<{ status: Answer; retryAfter: string | undefined; counted: boolean }> {
    const sentAt = Date.now();
    const started = performance.now();
    const answer = await this.#post(
      this.#targets[0] as string,
      address,
      JSON.stringify(report),
      sentAt,
    ).catch((error: unknown) => {
      this.#noAnswer(error);
      return { status: NO_ANSWER as Answer, retryAfter: undefined, counted: false };
    });
    this.#tally(sentAt, started, answer.status);
    return answer;
  }

  async #send(n: number, sentAt: number): Promise<Answer> {
    const repeat = this.#options.repeatEvery;
    // A repeat reuses the previous request's reporter and service, so the dedupe must catch it.
    const reporter = repeat && n % repeat === repeat - 1 ? n - 1 : n;
    const body = JSON.stringify({
      service: reporter % 2 ? "spotify" : "discord",
      problem: "app",
      region: reporter % 3 ? "GB" : "US",
    });
    const address = `10.${(reporter >> 16) & 255}.${(reporter >> 8) & 255}.${reporter & 255}`;
    // The replica is picked by request, not reporter, so a repeat may reach the other one.
    const first = n % this.#targets.length;
    for (let attempt = 0; attempt < this.#targets.length; attempt++) {
      const target = this.#targets[(first + attempt) % this.#targets.length] as string;
      try {
        return (await this.#post(target, address, body, sentAt)).status;
      } catch (error) {
        // Refused: the request never left, so the next replica may have it, as a load balancer
        // does with a replica that is down. Anything else may have reached the api: no retry.
        if (!isConnectionRefused(error) || attempt === this.#targets.length - 1) {
          this.#noAnswer(error);
          return NO_ANSWER;
        }
      }
    }
    return NO_ANSWER;
  }

  /** Records one answer: in the log, and in the count by status. */
  #tally(sentAt: number, started: number, answer: Answer): void {
    this.log.add(sentAt, performance.now() - started, answer);
    this.statuses.set(answer, (this.statuses.get(answer) ?? 0) + 1);
  }

  #noAnswer(error: unknown): void {
    const { code, name, reusedSocket } = (error ?? {}) as {
      code?: string;
      name?: string;
      reusedSocket?: boolean;
    };
    const reason = `${code ?? name ?? "unknown"}${reusedSocket ? " on a reused socket" : ""}`;
    this.noAnswerReasons.set(reason, (this.noAnswerReasons.get(reason) ?? 0) + 1);
  }

  async #post(
    apiUrl: string,
    address: string,
    body: string,
    sentAt: number,
  ): Promise<{ status: number; retryAfter: string | undefined; counted: boolean }> {
    const { status, retryAfter, text } = await postJson(
      this.#agent,
      `${apiUrl}/v1/reports`,
      { "x-forwarded-for": address },
      body,
      this.#options.timeoutMs ?? 5_000,
    );
    let counted = false;
    if (status === 202) {
      const payload = JSON.parse(text) as { id?: string; counted?: boolean };
      if (payload.counted && payload.id) {
        counted = true;
        this.countedIds.push(payload.id);
        this.lastCountedAt = Date.now();
        this.countedSentAt.push(sentAt);
        this.countedAnsweredAt.push(this.lastCountedAt);
      }
    } else if (status >= 500 && (status !== 503 || !retryAfter)) {
      this.badAnswers.push({ sentAt, status, retryAfter: retryAfter ?? null, body: text });
    }
    return { status, retryAfter, counted };
  }
}

/**
 * One POST over a keep-alive connection. node:http rather than fetch: a quarter of fetch's CPU per
 * request, which on a small machine goes to the system under test instead.
 */
function postJson(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: response.headers["retry-after"],
            text,
          }),
        );
        response.on("error", reject);
      },
    );
    // Whether the socket was kept alive from an earlier request tells a reset by a dying server from
    // one that closed an idle socket just as it was reused.
    outgoing.on("error", (error) => reject(Object.assign(error, { reusedSocket: outgoing.reusedSocket })));
    outgoing.end(body);
  });
}

function isConnectionRefused(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ECONNREFUSED";
}
