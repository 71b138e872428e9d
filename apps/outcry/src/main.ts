import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "@outcry/core";
import { openDatabase } from "@outcry/db";
import { CliInputError, detectCsv } from "./cli/detect-csv.ts";
import { evalDetection } from "./cli/eval-detection.ts";
import { keysCommand } from "./cli/keys.ts";
import { createLogger } from "./logger.ts";
import { DataDirInUseError, RedisServerMissingError } from "./redis-server.ts";
import { ROLES, type Role, startSystem } from "./system.ts";

const USAGE = `usage: outcry <command> [options]

commands:
  start [--role all|api|ingest|aggregator]   run Outcry (default role: all, or OUTCRY_ROLE)
  migrate                             apply database migrations and exit
  eval detection [--seed N] [--compare]
                                      score the detector on generated scenarios and the Spotify replay;
                                      --compare: totals of the detector and its alternatives
  detect-csv [file]                   read timestamp,value CSV (file or stdin), write anomaly scores
  keys create --name NAME [--scope S]...
                                      create an admin key (default: every scope) and print it once;
                                      scopes: catalog:write, webhooks:write, keys:write
  keys list                           list admin keys (never their secrets)
  keys revoke ID                      revoke an admin key
  chaos [--quick] [--rate N]          run 2 api, 2 aggregator and 1 ingest processes on a private Postgres
                                      and Redis under load, inject faults, print the table (docs/reliability.md)
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: "string" },
      seed: { type: "string" },
      compare: { type: "boolean" },
      name: { type: "string" },
      scope: { type: "string", multiple: true },
      quick: { type: "boolean" },
      rate: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case "eval": {
      if (positionals[1] !== "detection") {
        process.stderr.write(`outcry: eval takes "detection" (got "${positionals[1] ?? ""}")\n`);
        return 2;
      }
      const seed = Number(values.seed ?? 1);
      if (!Number.isInteger(seed)) {
        process.stderr.write(`outcry: --seed must be a whole number (got "${values.seed}")\n`);
        return 2;
      }
      evalDetection(seed, process.stdout, { compare: values.compare ?? false });
      return 0;
    }
    case "detect-csv":
      await detectCsv(positionals[1], process.stdin, process.stdout);
      return 0;
    case "keys": {
      const config = loadConfig();
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      try {
        await database.migrate();
        await keysCommand(
          database.db,
          { action: positionals[1], name: values.name, scopes: values.scope ?? [], id: positionals[2] },
          process.stdout,
        );
      } finally {
        await database.close();
      }
      return 0;
    }
    case "chaos": {
      const rate = values.rate === undefined ? undefined : Number(values.rate);
      if (rate !== undefined && !(Number.isInteger(rate) && rate > 0)) {
        process.stderr.write(`outcry: --rate must be a positive whole number (got "${values.rate}")\n`);
        return 2;
      }
      // Loaded only when asked for: it needs the development install (the test helpers, postgres).
      const { chaosCommand } = await import("../chaos/chaos-command.ts");
      return chaosCommand({ quick: values.quick ?? false, rate });
    }
    case "migrate": {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      await database.migrate();
      await database.close();
      logger.info({ database: `${database.driver} ${database.location}` }, "migrations applied");
      return 0;
    }
    case "start": {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const role = values.role ?? process.env.OUTCRY_ROLE ?? "all";
      if (!ROLES.includes(role as Role)) {
        process.stderr.write(`outcry: --role must be one of ${ROLES.join(", ")} (got "${role}")\n`);
        return 2;
      }
      const system = await startSystem(config, role as Role, logger);
      if (process.stderr.isTTY) process.stderr.write(`\n${system.summary}\nPress Ctrl-C to stop.\n\n`);
      await waitForSignal();
      logger.info("shutting down");
      // A stuck dependency must not keep the process alive forever.
      setTimeout(() => {
        logger.error("shutdown took too long; exiting");
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
      await system.close();
      logger.info("stopped");
      return 0;
    }
    default:
      process.stderr.write(`outcry: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

function waitForSignal(): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return new Promise((resolve) =>
    controller.signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof ConfigError ||
      error instanceof RedisServerMissingError ||
      error instanceof DataDirInUseError ||
      error instanceof CliInputError
    ) {
      process.stderr.write(`outcry: ${error.message}\n`);
    } else {
      process.stderr.write(
        `outcry: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exitCode = 1;
  },
);
