ALTER TABLE "detector_states" ADD COLUMN "status" text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE "detector_states" ADD COLUMN "score" double precision DEFAULT 0 NOT NULL;