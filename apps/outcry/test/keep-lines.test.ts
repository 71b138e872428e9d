import { once } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { keepLines } from "../chaos/outcry-process.ts";

describe("keepLines", () => {
  it("keeps a line written in several chunks whole", async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    keepLines(stream, lines, 10);
    // A JSON log line whose stack trace arrives in a second chunk, as from a pipe.
    stream.write('{"msg":"batch failed","stack":"Error: x\\n    at ');
    stream.write('applySignalBatch (apply-signal-batch.ts:44:19)"}\n{"msg":"next"}\n');
    stream.end();
    await once(stream, "end");
    expect(lines).toEqual([
      '{"msg":"batch failed","stack":"Error: x\\n    at applySignalBatch (apply-signal-batch.ts:44:19)"}',
      '{"msg":"next"}',
    ]);
  });

  it("keeps only the last lines", async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    keepLines(stream, lines, 2);
    stream.end("a\nb\n\nc\n");
    await once(stream, "end");
    expect(lines).toEqual(["b", "c"]);
  });
});
