CREATE TABLE "official_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"natural_key" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"observed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text,
	"component_id" text,
	"component_name" text,
	"component_group" text,
	"incident_id" text,
	"update_id" text,
	"title" text,
	"body" text,
	"impact" text,
	"components" text[],
	"url" text
);
--> statement-breakpoint
CREATE TABLE "official_sources" (
	"key" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"validators" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" jsonb,
	"checked_at" timestamp with time zone,
	"succeeded_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"failures" integer DEFAULT 0 NOT NULL,
	"stale" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "official" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "official_changes_source_key_idx" ON "official_changes" USING btree ("source","natural_key");--> statement-breakpoint
CREATE INDEX "official_changes_source_at_idx" ON "official_changes" USING btree ("source","at");