import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSeedCatalog } from "@outcry/core";
import { afterAll, describe, expect, it } from "vitest";
import { trainedPipeline } from "../src/index.ts";

const complaint = { text: "is discord down for anyone else? can't log in at all", langs: ["en"] };

// A restarted ingest loads the weights it trained before instead of training again, unless what
// they were trained from has changed.
describe("the trained pipeline's weights cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "outcry-model-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const catalog = loadSeedCatalog();

  it("trains once, stores the weights, and judges alike from them", () => {
    const trained = trainedPipeline(catalog, { cacheDir: dir });
    const [file, ...others] = readdirSync(dir);
    expect(others).toEqual([]);
    expect(file).toMatch(/^text-model-[0-9a-f]{32}\.json$/);
    const loaded = trainedPipeline(catalog, { cacheDir: dir });
    expect(loaded.judge(complaint)).toEqual(trained.judge(complaint));
    expect(trained.judge(complaint).kept).toBe(true);
  });

  it("uses the stored weights rather than training: weights of zero keep nothing", () => {
    const [file] = readdirSync(dir);
    const path = join(dir, file as string);
    const stored = JSON.parse(readFileSync(path, "utf8")) as { weights: [string, number][] };
    writeFileSync(path, JSON.stringify({ weights: stored.weights.map(([feature]) => [feature, 0]) }));
    expect(trainedPipeline(catalog, { cacheDir: dir }).judge(complaint).kept).toBe(false);
    // A broken file is trained over, not trusted.
    writeFileSync(path, "{ not json");
    expect(trainedPipeline(catalog, { cacheDir: dir }).judge(complaint).kept).toBe(true);
  });

  it("trains again for another catalog, and keeps only the newest model", () => {
    const [before] = readdirSync(dir);
    const fewer = catalog.filter((service) => service.slug !== "steam");
    trainedPipeline(fewer, { cacheDir: dir });
    const after = readdirSync(dir);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
  });
});
