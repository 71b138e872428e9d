import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { CsvScorer, parseTimestamp, type ScoredRow } from "@outcry/detection";

/** Bad input to a command: reported as one line, without a stack trace. */
export class CliInputError extends Error {
  override name = "CliInputError";
}

/**
 * `outcry detect-csv [file]`: reads `timestamp,value` rows (a header row first) from the file or
 * stdin and writes `timestamp,value,anomaly_score`, each score computed from earlier rows only.
 * Streams, so files of any length work in constant memory.
 */
export async function detectCsv(file: string | undefined, input: Readable, output: Writable): Promise<void> {
  const lines = createInterface({
    input: file ? createReadStream(file) : input,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const scorer = new CsvScorer();
  const write = (rows: ScoredRow[], timestamps: Map<number, string>) => {
    for (const row of rows) {
      output.write(
        `${timestamps.get(row.t) ?? new Date(row.t).toISOString()},${row.value},${row.score.toFixed(6)}\n`,
      );
      timestamps.delete(row.t);
    }
  };
  // The original timestamp text is echoed back, so rows join with the input by key.
  const timestamps = new Map<number, string>();
  let lineNumber = 0;
  let header = true;
  output.write("timestamp,value,anomaly_score\n");
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === "") continue;
    if (header) {
      header = false;
      continue;
    }
    const [timestampText = "", valueText = ""] = line.split(",");
    let t: number;
    try {
      t = parseTimestamp(timestampText);
    } catch (error) {
      throw new CliInputError(`line ${lineNumber}: ${(error as Error).message}`);
    }
    const value = Number(valueText.trim());
    if (valueText.trim() === "" || !Number.isFinite(value)) {
      throw new CliInputError(`line ${lineNumber}: value "${valueText}" is not a number`);
    }
    timestamps.set(t, timestampText.trim());
    try {
      write(scorer.push(t, value), timestamps);
    } catch (error) {
      throw new CliInputError(`line ${lineNumber}: ${(error as Error).message}`);
    }
  }
  write(scorer.flush(), timestamps);
}
