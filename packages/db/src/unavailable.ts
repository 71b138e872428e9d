import { DependencyUnavailableError } from "@outcry/core";

// Socket-level failures (Node) and connection states (postgres.js) that mean "the server is not
// reachable now", as opposed to a query the server rejected.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

// SQLSTATE class 08 (connection exception), shutdowns (57P01-57P03) and too many connections.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** True when the error, or one it wraps, says the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  }
  return false;
}

/** Runs a query, turning "database unreachable" into DependencyUnavailableError. */
export async function whileAvailable<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw new DependencyUnavailableError("postgres", { cause: error });
    throw error;
  }
}
