import { CatalogIndex, type Service } from "@outcry/core";
import type { RedisClient } from "./redis-connection.ts";
import { createWorkerRedis } from "./redis-connection.ts";

/** Reloads at least this often, in case a change message was missed (pub/sub does not retry). */
const RELOAD_EVERY_MS = 60_000;

export function catalogChangesChannel(prefix: string): string {
  return `${prefix}:catalog-changed`;
}

export interface LiveCatalogOptions {
  /** Reads the whole catalog from where it is kept (Postgres). */
  load: () => Promise<Service[]>;
  redisUrl: string;
  /** Publishes change messages; the subscriber needs a connection of its own. */
  publisher: RedisClient;
  prefix: string;
  onError: (error: unknown) => void;
  /** Told after each reload that changed something, e.g. to rebuild what is derived from it. */
  onChange?: (catalog: CatalogIndex) => void;
}

/**
 * The catalog as every process sees it: loaded from the database, reloaded when any process says it
 * changed (Redis pub/sub, so an admin's edit reaches every replica within a second) and every
 * minute regardless.
 */
export class LiveCatalog {
  readonly #options: LiveCatalogOptions;
  #catalog: CatalogIndex;
  #signature: string;
  #subscriber: RedisClient | undefined;
  #timer: NodeJS.Timeout | undefined;

  private constructor(options: LiveCatalogOptions, services: Service[]) {
    this.#options = options;
    this.#catalog = new CatalogIndex(services);
    this.#signature = JSON.stringify(services);
  }

  static async start(options: LiveCatalogOptions): Promise<LiveCatalog> {
    const live = new LiveCatalog(options, await options.load());
    // Patient: the subscription waits for Redis, and ioredis renews it after every reconnect.
    const subscriber = createWorkerRedis(options.redisUrl);
    subscriber.on("error", options.onError);
    subscriber.on("message", () => void live.reload().catch(options.onError));
    // Not awaited: with Redis down the process still starts.
    subscriber.subscribe(catalogChangesChannel(options.prefix)).catch(options.onError);
    live.#subscriber = subscriber;
    live.#timer = setInterval(() => void live.reload().catch(options.onError), RELOAD_EVERY_MS);
    live.#timer.unref();
    return live;
  }

  current(): CatalogIndex {
    return this.#catalog;
  }

  async reload(): Promise<void> {
    const services = await this.#options.load();
    const signature = JSON.stringify(services);
    if (signature === this.#signature) return;
    this.#signature = signature;
    this.#catalog = new CatalogIndex(services);
    this.#options.onChange?.(this.#catalog);
  }

  /** After a write: reload here at once, and tell every other process to. */
  async changed(): Promise<void> {
    await this.reload();
    await this.#options.publisher.publish(catalogChangesChannel(this.#options.prefix), String(Date.now()));
  }

  close(): void {
    clearInterval(this.#timer);
    this.#subscriber?.disconnect();
  }
}
