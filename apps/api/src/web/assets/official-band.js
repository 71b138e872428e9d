// The provider's official word on a page's chart: a hatched strip along the top of the plot, with a
// dashed line down from where each episode began, and a sentence saying the same for screen
// readers. Hatched and set apart at the top, it is not told from the crowd's incidents by colour
// alone. Episodes come from the series API's `official` (packages/official's officialEpisodes).
import { utcTime } from "./utc-time.js";

const STRIP_HEIGHT = 8;
// A post is an instant: marked this wide (CSS pixels), so that it can be seen.
const INSTANT_WIDTH = 3;
const LISTED = 4;

/** The series API's episodes with times in epoch ms: [{ kind, title, start, end }], end null while open. */
export function parseOfficial(episodes) {
  return (episodes ?? []).map((episode) => ({
    kind: episode.kind,
    title: episode.title,
    start: Date.parse(episode.start),
    end: episode.end === null ? null : Date.parse(episode.end),
  }));
}

/** Draws the strip on a uPlot chart's canvas; an open episode reaches to now. */
export function drawOfficialBand(plot, episodes, colour) {
  if (episodes.length === 0) return;
  const { ctx, bbox } = plot;
  const ratio = devicePixelRatio;
  const edge = bbox.left + bbox.width;
  const height = STRIP_HEIGHT * ratio;
  ctx.save();
  const pattern = hatch(ctx, colour, ratio);
  ctx.strokeStyle = colour;
  ctx.lineWidth = ratio;
  for (const episode of episodes) {
    const start = plot.valToPos(episode.start / 1000, "x", true);
    const end = plot.valToPos((episode.end ?? Date.now()) / 1000, "x", true);
    if (end < bbox.left || start > edge) continue;
    const instant = episode.end !== null && episode.end === episode.start;
    const width = Math.max(Math.min(end, edge) - Math.max(start, bbox.left), INSTANT_WIDTH * ratio);
    const left = Math.min(Math.max(instant ? start - width / 2 : start, bbox.left), edge - width);
    ctx.fillStyle = pattern;
    ctx.fillRect(left, bbox.top, width, height);
    ctx.setLineDash([]);
    ctx.strokeRect(left + ratio / 2, bbox.top + ratio / 2, width - ratio, height - ratio);
    if (start >= bbox.left) {
      ctx.setLineDash([3 * ratio, 3 * ratio]);
      ctx.beginPath();
      ctx.moveTo(Math.round(start) + 0.5, bbox.top + height);
      ctx.lineTo(Math.round(start) + 0.5, bbox.top + bbox.height);
      ctx.stroke();
    }
  }
  ctx.restore();
}

/**
 * "Hatched along the top, what Discord said officially: 12:05–12:40 UTC (“Messages failing”);
 * since 13:10 UTC." Empty when there is nothing to say.
 */
export function officialSentence(episodes, name) {
  if (episodes.length === 0) return "";
  const listed = episodes.slice(0, LISTED).map((episode) => {
    const when =
      episode.end === null
        ? `since ${utcTime(episode.start)}`
        : episode.end === episode.start
          ? `a post at ${utcTime(episode.start)}`
          : `${utcTime(episode.start).replace(" UTC", "")}–${utcTime(episode.end)}`;
    return episode.title ? `${when} (“${episode.title}”)` : when;
  });
  const more = episodes.length - listed.length;
  return `Hatched along the top, what ${name} said officially: ${listed.join("; ")}${more > 0 ? `; and ${more} more` : ""}.`;
}

/** Diagonal lines as a repeating fill: one tile, its line's neighbours drawn so that tiles join. */
function hatch(ctx, colour, ratio) {
  const size = Math.round(5 * ratio);
  const tile = document.createElement("canvas");
  tile.width = size;
  tile.height = size;
  const pen = tile.getContext("2d");
  pen.strokeStyle = colour;
  pen.lineWidth = 1.5 * ratio;
  pen.beginPath();
  for (const shift of [-size, 0, size]) {
    pen.moveTo(shift, size);
    pen.lineTo(shift + size, 0);
  }
  pen.stroke();
  return ctx.createPattern(tile, "repeat");
}
