import type { OfficialEpisode } from "@outcry/official";

/** What the chart needs of one of the provider's official episodes: an OfficialEpisode is one. */
export type ChartOfficialEpisode = Pick<OfficialEpisode, "kind" | "start" | "end" | "title">;

/** A stretch of the official strip: episodes clipped to the range, overlapping ones merged. */
export interface OfficialSpan {
  /** Where it is drawn, clipped to the range; equal for an instant (a post), which is marked. */
  start: number;
  end: number;
  /** When the provider said it began and ended, unclipped, for the label; undefined while open. */
  began: number;
  ended: number | undefined;
  /** Only posts in it: said, but nothing opened that lasts. */
  postsOnly: boolean;
  /** The provider's titles of what it holds, each once, in order. */
  titles: string[];
}

/**
 * The provider's episodes as the chart draws them: those that touch the range, clipped to it, with
 * overlapping ones merged, since an incident, the components it names and the page's indicator
 * usually say the same thing at the same time. A post is an instant and stays one.
 */
export function officialSpans(episodes: ChartOfficialEpisode[], from: number, to: number): OfficialSpan[] {
  const clipped = episodes
    .filter(
      (episode) =>
        episode.start < to && (episode.end === undefined || episode.end > from || episode.start >= from),
    )
    .map((episode) => ({
      start: Math.max(episode.start, from),
      end: Math.min(Math.max(episode.end ?? to, episode.start), to),
      began: episode.start,
      ended: episode.end,
      postsOnly: episode.kind === "post",
      titles: episode.title ? [episode.title] : [],
    }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: OfficialSpan[] = [];
  for (const span of clipped) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) {
      last.end = Math.max(last.end, span.end);
      last.began = Math.min(last.began, span.began);
      last.ended =
        last.ended === undefined || span.ended === undefined ? undefined : Math.max(last.ended, span.ended);
      last.postsOnly &&= span.postsOnly;
      last.titles.push(...span.titles.filter((title) => !last.titles.includes(title)));
    } else merged.push(span);
  }
  return merged;
}

/** What the spans are, in the legend's words: "Provider's official incident", or post, or both. */
export function officialNoun(spans: OfficialSpan[], plural = false): string {
  const posts = spans.some((span) => span.postsOnly);
  const lasting = spans.some((span) => !span.postsOnly);
  const [incident, post] = plural ? ["incidents", "posts"] : ["incident", "post"];
  return posts && lasting ? `${incident} or ${post}` : posts ? post : incident;
}
