import { pgEnum } from "drizzle-orm/pg-core";

export const signalSource = pgEnum("signal_source", ["report", "bluesky"]);
