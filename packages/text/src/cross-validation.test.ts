import { describe, expect, it } from "vitest";
import { isHeldOut, loadCorpus } from "./corpus.ts";
import { chooseThreshold, foldOf } from "./cross-validation.ts";
import type { TextEvaluation } from "./text-evaluation.ts";

describe("cross-validation folds", () => {
  const training = loadCorpus().filter((post) => !isHeldOut(post));

  it("cut the training split into even folds, by the text alone", () => {
    const sizes = [0, 0, 0, 0, 0];
    for (const post of training) {
      const fold = foldOf(post.text, 5);
      expect(foldOf(post.text, 5)).toBe(fold);
      sizes[fold] = (sizes[fold] ?? 0) + 1;
    }
    // The held-out choice is also a hash of the text: reusing it unsalted would leave folds empty.
    for (const size of sizes) {
      expect(size / training.length).toBeGreaterThan(0.17);
      expect(size / training.length).toBeLessThan(0.23);
    }
  });

  it("cut the same posts differently in another round", () => {
    const moved = training.filter((post) => foldOf(post.text, 5, 1) !== foldOf(post.text, 5, 0)).length;
    expect(moved / training.length).toBeGreaterThan(0.7);
  });
});

describe("chooseThreshold", () => {
  const at = (threshold: number, precision: number) => ({
    threshold,
    evaluation: { precision } as TextEvaluation,
  });

  it("takes the lowest threshold whose cross-validated precision reaches the bar", () => {
    const sweep = [at(0.6, 0.962), at(0.5, 0.951), at(0.55, 0.96), at(0.7, 0.97)];
    expect(chooseThreshold(sweep, 0.96)).toBe(0.55);
    expect(chooseThreshold(sweep, 0.99)).toBeUndefined();
  });
});
