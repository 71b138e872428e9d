import type { CorpusPost } from "./corpus.ts";
import type { PostInput, Rejection, Verdict } from "./text-pipeline.ts";

/** Anything that judges posts: the trained pipeline, or one pipeline per cross-validation fold. */
export interface PostJudge {
  judge(post: PostInput): Verdict;
}

export interface ConfusionMatrix {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
}

export interface TextEvaluation {
  posts: number;
  /** "Outage complaint" as a whole-pipeline decision: prefilter, service found, classifier. */
  confusion: ConfusionMatrix;
  precision: number;
  recall: number;
  /** Of the outage posts the pipeline kept, the share matched to the right service. */
  serviceAccuracy: number;
  /** Of kept outage posts whose problem is labelled, the share with the right problem hint. */
  problemAccuracy: number;
  /** Of kept outage posts that name a place, the share given the right region. */
  regionAccuracy: number;
  byLanguage: Record<string, ConfusionMatrix>;
  /** Why outage posts were missed: prefilter, no-service, classifier. */
  missedBecause: Record<string, number>;
  /** A few of each kind of mistake (`sample` of each), to read. */
  falsePositives: { post: CorpusPost; service: string; score: number }[];
  falseNegatives: { post: CorpusPost; reason: Rejection; score?: number }[];
  wrongService: { post: CorpusPost; service: string }[];
}

/** A labelled post and what the pipeline made of it. */
export interface JudgedPost {
  post: CorpusPost;
  verdict: Verdict;
}

/** Scores the pipeline on labelled posts (the held-out split, for published figures). */
export function evaluateText(
  pipeline: PostJudge,
  posts: readonly CorpusPost[],
  options: { sample?: number } = {},
): TextEvaluation {
  return scoreVerdicts(judgeAll(pipeline, posts), options);
}

export function judgeAll(pipeline: PostJudge, posts: readonly CorpusPost[]): JudgedPost[] {
  return posts.map((post) => ({ post, verdict: pipeline.judge({ text: post.text, langs: [post.lang] }) }));
}

/** The figures for verdicts already made (cross-validation pools several rounds of them). */
export function scoreVerdicts(
  judged: readonly JudgedPost[],
  options: { sample?: number } = {},
): TextEvaluation {
  const sample = options.sample ?? 15;
  const confusion = emptyMatrix();
  const byLanguage: Record<string, ConfusionMatrix> = {};
  const missedBecause: Record<string, number> = {};
  const falsePositives: TextEvaluation["falsePositives"] = [];
  const falseNegatives: TextEvaluation["falseNegatives"] = [];
  const wrongService: { post: CorpusPost; service: string }[] = [];
  let servicesRight = 0;
  let problemsLabelled = 0;
  let problemsRight = 0;
  let regionsLabelled = 0;
  let regionsRight = 0;

  for (const { post, verdict } of judged) {
    const language = byLanguage[post.lang] ?? emptyMatrix();
    byLanguage[post.lang] = language;
    const actual = post.label === "outage";
    if (actual && verdict.kept) {
      confusion.truePositive++;
      language.truePositive++;
      if (verdict.match.service === post.service) servicesRight++;
      else wrongService.push({ post, service: verdict.match.service });
      if (post.problem) {
        problemsLabelled++;
        if (verdict.match.problem?.hint === post.problem) problemsRight++;
      }
      if (post.region) {
        regionsLabelled++;
        if (verdict.match.region.region === post.region) regionsRight++;
      }
    } else if (actual) {
      confusion.falseNegative++;
      language.falseNegative++;
      if (!verdict.kept) {
        missedBecause[verdict.reason] = (missedBecause[verdict.reason] ?? 0) + 1;
        falseNegatives.push({ post, reason: verdict.reason, score: verdict.best?.score });
      }
    } else if (verdict.kept) {
      confusion.falsePositive++;
      language.falsePositive++;
      falsePositives.push({ post, service: verdict.match.service, score: verdict.match.score });
    } else {
      confusion.trueNegative++;
      language.trueNegative++;
    }
  }

  return {
    posts: judged.length,
    confusion,
    precision: ratio(confusion.truePositive, confusion.truePositive + confusion.falsePositive),
    recall: ratio(confusion.truePositive, confusion.truePositive + confusion.falseNegative),
    serviceAccuracy: ratio(servicesRight, confusion.truePositive),
    problemAccuracy: ratio(problemsRight, problemsLabelled),
    regionAccuracy: ratio(regionsRight, regionsLabelled),
    byLanguage,
    missedBecause,
    falsePositives: falsePositives.slice(0, sample),
    falseNegatives: falseNegatives.slice(0, sample),
    wrongService: wrongService.slice(0, sample),
  };
}

function emptyMatrix(): ConfusionMatrix {
  return { truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 0 };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? Number.NaN : part / whole;
}
