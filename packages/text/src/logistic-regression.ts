import { createRandom } from "@outcry/detection";

/** A trained model: one weight per feature name; unknown features weigh nothing. */
export type Weights = ReadonlyMap<string, number>;

export interface TrainingExample {
  features: readonly string[];
  label: 0 | 1;
}

export interface TrainingOptions {
  /** Independent fits (each its own shuffling) whose weights are averaged. */
  runs: number;
  /** Passes over the examples in each fit. */
  epochs: number;
  learningRate: number;
  /** L2 penalty: keeps rare words from deciding alone. */
  l2: number;
  seed: number;
}

// Chosen by 5-fold cross-validation on the corpus's training split: five short fits averaged beat
// one long fit (precision 0.953 vs 0.943 at the same recall), the way bagging reduces variance. Of
// the learning rates 0.1, 0.15 and 0.3, 0.15 gave the most recall at 96% precision (94.0% against
// 93.5% and 93.7%, three rounds pooled): a small difference, within what another cut can change.
const DEFAULTS: TrainingOptions = { runs: 5, epochs: 10, learningRate: 0.15, l2: 1e-4, seed: 1 };

/** Probability that the example is positive. */
export function predict(weights: Weights, features: readonly string[]): number {
  let z = 0;
  for (const feature of features) z += weights.get(feature) ?? 0;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Binary logistic regression over sparse binary features, fitted by AdaGrad: per-feature step sizes
 * suit text, where a few words are everywhere and most appear twice. Several fits with different
 * shufflings are averaged. Deterministic for a given seed, so the same corpus gives the same model.
 */
export function trainLogisticRegression(
  examples: readonly TrainingExample[],
  options: Partial<TrainingOptions> = {},
): Map<string, number> {
  const settings = { ...DEFAULTS, ...options };
  const averaged = new Map<string, number>();
  for (let run = 0; run < settings.runs; run++) {
    for (const [feature, weight] of fit(examples, { ...settings, seed: settings.seed + run })) {
      averaged.set(feature, (averaged.get(feature) ?? 0) + weight / settings.runs);
    }
  }
  return averaged;
}

function fit(examples: readonly TrainingExample[], options: TrainingOptions): Map<string, number> {
  const { epochs, learningRate, l2, seed } = options;
  const weights = new Map<string, number>();
  const squaredGradients = new Map<string, number>();
  const order = examples.map((_, index) => index);
  const random = createRandom(seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, random);
    for (const index of order) {
      const example = examples[index] as TrainingExample;
      const error = predict(weights, example.features) - example.label;
      for (const feature of example.features) {
        const weight = weights.get(feature) ?? 0;
        const gradient = error + l2 * weight;
        const accumulated = (squaredGradients.get(feature) ?? 0) + gradient * gradient;
        squaredGradients.set(feature, accumulated);
        weights.set(feature, weight - (learningRate * gradient) / Math.sqrt(accumulated + 1e-8));
      }
    }
  }
  return weights;
}

function shuffle(items: number[], random: { next(): number }): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j] as number, items[i] as number];
  }
}
