import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { applyMigrations } from "./migrations.ts";
import * as schema from "./schema/index.ts";

/** The query surface shared by both drivers: every query in this package takes a Db. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly driver: "postgres" | "pglite";
  /** Where it is, without credentials, for start-up logs. */
  readonly location: string;
  /** Applies the committed drizzle-kit migrations that have not run yet (see migrations.ts). */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * postgres:// URL; when absent, embedded PGlite stores its files in `dataDir`. Behind PgBouncer in
   * transaction mode add `?prepare=false` (postgres.js reads it from the URL): named prepared
   * statements live on one server connection, and the next transaction may get another.
   */
  url?: string | undefined;
  dataDir: string;
  maxConnections?: number;
  /** Shown in pg_stat_activity, so operators can tell the roles apart. */
  applicationName?: string;
}

/** Opens Postgres (postgres.js) or embedded PGlite behind the same drizzle interface. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir);
}

function openPostgres(url: string, options: OpenDatabaseOptions): Database {
  const client = postgres(url, {
    max: options.maxConnections ?? 10,
    // Fail fast when the server is unreachable so callers can answer 503 instead of hanging.
    connect_timeout: 5,
    // postgres.js waits up to 20 s between reconnects by default, holding queued queries all the
    // while; after an outage the database should be used again within a second of its return.
    backoff: (retries: number) => Math.min(0.1 * 2 ** retries, 1),
    idle_timeout: 60,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "outcry" },
  });
  const db = drizzlePostgres({ client, schema });
  const location = new URL(url);
  location.password = "";
  let closing: Promise<void> | undefined;
  return {
    db,
    driver: "postgres",
    location: location.toString(),
    migrate: () => applyMigrations(db),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => {
      closing ??= client.end({ timeout: 5 });
      return closing;
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const path = `${dataDir}/pglite`;
  mkdirSync(path, { recursive: true });
  const client = await PGlite.create(path);
  const db = drizzlePglite({ client, schema });
  let closing: Promise<void> | undefined;
  return {
    db,
    driver: "pglite",
    location: path,
    migrate: () => applyMigrations(db),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => {
      closing ??= client.close();
      return closing;
    },
  };
}
