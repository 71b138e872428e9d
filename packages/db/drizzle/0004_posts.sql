CREATE TABLE "ingest_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"cursor" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "posts" (
	"uri" text PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"region" text NOT NULL,
	"problem" text,
	"posted_at" timestamp with time zone NOT NULL,
	"text" text NOT NULL,
	"lang" text NOT NULL,
	"score" real NOT NULL
);
--> statement-breakpoint
CREATE INDEX "posts_service_time_idx" ON "posts" USING btree ("service","posted_at");--> statement-breakpoint
CREATE INDEX "posts_time_idx" ON "posts" USING btree ("posted_at");