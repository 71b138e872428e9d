/**
 * A steady stream of reports from many simulated reporters (one X-Forwarded-For address each, so
 * TRUST_PROXY must be 1), keeping a tally of what the api acknowledged.
 */
export class ReportLoad {
  /** Ids of the reports answered 202 with counted: true: each must end up counted exactly once. */
  readonly countedIds: string[] = [];
  readonly statuses = new Map<number | "error", number>();
  #running = true;
  #next = 0;
  readonly #workers: Promise<void>[];

  constructor(apiUrl: string, options: { concurrency?: number; offset?: number } = {}) {
    this.#next = options.offset ?? 0;
    this.#workers = Array.from({ length: options.concurrency ?? 16 }, () => this.#work(apiUrl));
  }

  get counted(): number {
    return this.countedIds.length;
  }

  get sent(): number {
    return [...this.statuses.values()].reduce((sum, count) => sum + count, 0);
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
  }

  async #work(apiUrl: string): Promise<void> {
    while (this.#running) {
      const n = this.#next++;
      let status: number | "error";
      try {
        const response = await fetch(`${apiUrl}/v1/reports`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
          },
          body: JSON.stringify({
            service: n % 2 ? "spotify" : "discord",
            problem: "app",
            region: n % 3 ? "GB" : "US",
          }),
          signal: AbortSignal.timeout(5_000),
        });
        status = response.status;
        const payload = (await response.json()) as { id?: string; counted?: boolean };
        if (status === 202 && payload.counted && payload.id) this.countedIds.push(payload.id);
      } catch {
        status = "error";
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    }
  }
}
