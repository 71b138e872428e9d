import { describe, expect, it } from "vitest";
import { predict, trainLogisticRegression } from "./logistic-regression.ts";

describe("trainLogisticRegression", () => {
  const examples = [
    ...Array.from({ length: 40 }, (_, i) => ({
      features: ["bias", "down", `noise${i % 7}`],
      label: 1 as const,
    })),
    ...Array.from({ length: 40 }, (_, i) => ({
      features: ["bias", "shares", `noise${i % 7}`],
      label: 0 as const,
    })),
  ];

  it("learns which features mark the positive class", () => {
    const weights = trainLogisticRegression(examples);
    expect(predict(weights, ["bias", "down"])).toBeGreaterThan(0.9);
    expect(predict(weights, ["bias", "shares"])).toBeLessThan(0.1);
    expect(predict(weights, ["bias", "never-seen"])).toBeCloseTo(0.5, 0);
  });

  it("gives the same model for the same seed", () => {
    expect([...trainLogisticRegression(examples, { seed: 3 })]).toEqual([
      ...trainLogisticRegression(examples, { seed: 3 }),
    ]);
  });
});
