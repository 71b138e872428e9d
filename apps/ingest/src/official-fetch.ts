/** Why a document could not be read; `result` is the metric label, `retryAfterMs` the server's wish. */
export type FetchResult =
  | "rate_limited"
  | "server_error"
  | "client_error"
  | "timeout"
  | "network"
  | "redirect"
  | "too_large"
  | "invalid";

export class FetchProblem extends Error {
  override name = "FetchProblem";
  readonly result: FetchResult;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    result: FetchResult,
    message: string,
    options: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.result = result;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type FetchedDocument =
  | { modified: false; url: string }
  | { modified: true; url: string; body: string; validators: Validators; movedTo?: string };

export interface FetchDocumentOptions {
  accept: string;
  timeoutMs: number;
  maxRedirects: number;
  /** Stops the request when the poller stops. */
  signal: AbortSignal;
  userAgent: string;
  maxBytes?: number;
}

// Status documents are small (a busy Statuspage's incidents.json is a few hundred kB).
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One conditional GET: If-None-Match and If-Modified-Since from the last good answer, a 304 is
 * "not modified", redirects are followed by hand (at most `maxRedirects`, and a URL seen twice is
 * a loop), the whole exchange (headers and body) must finish within the timeout. Anything but a
 * usable 200 is a FetchProblem.
 */
export async function fetchDocument(
  url: string,
  validators: Validators | undefined,
  options: FetchDocumentOptions,
): Promise<FetchedDocument> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  const seen = new Set<string>([url]);
  let current = url;
  let movedTo: string | undefined;
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(current, {
        redirect: "manual",
        signal,
        headers: {
          accept: options.accept,
          "user-agent": options.userAgent,
          ...(validators?.etag ? { "if-none-match": validators.etag } : {}),
          ...(validators?.lastModified ? { "if-modified-since": validators.lastModified } : {}),
        },
      });
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location) throw new FetchProblem("redirect", `HTTP ${response.status} without a Location`);
        const next = new URL(location, current).toString();
        if (seen.has(next)) throw new FetchProblem("redirect", `redirect loop back to ${next}`);
        if (hop + 1 > options.maxRedirects) {
          throw new FetchProblem("redirect", `more than ${options.maxRedirects} redirects (last to ${next})`);
        }
        seen.add(next);
        // A permanent move is worth telling the operator: the catalog should name the new URL.
        if (response.status === 301 || response.status === 308) movedTo = next;
        current = next;
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel();
        return { modified: false, url: current };
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw httpProblem(response);
      }
      const body = await readBody(response, options.maxBytes ?? DEFAULT_MAX_BYTES);
      const etag = response.headers.get("etag");
      const lastModified = response.headers.get("last-modified");
      return {
        modified: true,
        url: current,
        body,
        validators: { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
        ...(movedTo ? { movedTo } : {}),
      };
    }
  } catch (error) {
    if (error instanceof FetchProblem) throw error;
    if (signal.aborted && !options.signal.aborted) {
      throw new FetchProblem("timeout", `no complete answer within ${options.timeoutMs} ms`);
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new FetchProblem("network", cause?.code ?? cause?.message ?? (error as Error).message);
  }
}

function httpProblem(response: Response): FetchProblem {
  const retryAfterMs = retryAfter(response.headers.get("retry-after"));
  const status = response.status;
  const result = status === 429 ? "rate_limited" : status >= 500 ? "server_error" : "client_error";
  return new FetchProblem(result, `HTTP ${status}`, {
    status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Retry-After in seconds or as an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function readBody(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchProblem("too_large", `body of ${declared} bytes is over ${maxBytes}`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > maxBytes) {
    throw new FetchProblem("too_large", `body of ${bytes.byteLength} bytes is over ${maxBytes}`);
  }
  return new TextDecoder().decode(bytes);
}
