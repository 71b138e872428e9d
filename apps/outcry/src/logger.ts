import { pino } from "pino";

/** One JSON line per event on stdout; components take child loggers with a `component` field. */
export function createLogger(level: string) {
  return pino({ level, base: { app: "outcry" } });
}
