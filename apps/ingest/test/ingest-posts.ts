import { loadSeedCatalog } from "@outcry/core";
import { trainedPipeline } from "@outcry/text";

// Posts as the firehose carries them: a few complaints among chatter, jokes, news and idioms.
const TEXTS = [
  "is discord down for anyone else?? can't send a single message",
  "spotify not working again, songs won't play at all",
  "netflix keeps buffering every 10 seconds, is it down?",
  "can't log in to my paypal, anyone else? keeps saying something went wrong",
  "youtube is down for me in london, every video errors",
  "gmail won't load, stuck on the loading screen forever",
  "whatsapp messages not sending, just the clock icon. down?",
  "instagram app keeps crashing when i open it, anyone else?",
  "steam servers down? can't connect to the store",
  "reddit is down again lol, 503 everywhere",
  "Spotify shares down 4% after earnings",
  "just made the best playlist on spotify",
  "i'm down for a discord call tonight, who's in",
  "netflix is back up, finally",
  "my wifi is down so no netflix tonight",
  "remember when facebook went down for six hours in 2021",
  "what a lovely day for a walk",
  "the coffee here is great",
  "she's so down to earth, love her",
  "download finished, installing the update now",
];

export interface IngestPost {
  text: string;
  /** Whether the shipped pipeline keeps it: what the collectors must count, no more, no less. */
  complaint: boolean;
}

/** The posts, with the pipeline's own verdict on each (the tests check plumbing, not the model). */
export function ingestPosts(): IngestPost[] {
  const pipeline = trainedPipeline(loadSeedCatalog());
  return TEXTS.map((text) => ({ text, complaint: pipeline.judge({ text, langs: ["en"] }).kept }));
}
