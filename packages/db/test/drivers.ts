import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@outcry/testing";
import { openDatabase } from "../src/index.ts";

/**
 * Both drivers behind the one query layer, each on a database of its own: tests run every query
 * on Postgres (postgres.js) and on embedded PGlite, which must behave the same.
 */
export const drivers = [
  {
    name: "postgres",
    open: async () => {
      const test = await createTestDatabase();
      const database = await openDatabase({ url: test.url, dataDir: "unused" });
      return { database, cleanup: test.drop };
    },
  },
  {
    name: "pglite",
    open: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "outcry-pglite-"));
      const database = await openDatabase({ dataDir });
      return { database, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
];
