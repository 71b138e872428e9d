CREATE TYPE "public"."signal_source" AS ENUM('report', 'bluesky');--> statement-breakpoint
CREATE TABLE "applied_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"signals" integer NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "counts_hour" (
	"service" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"region" text NOT NULL,
	"source" "signal_source" NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "counts_hour_service_bucket_region_source_pk" PRIMARY KEY("service","bucket","region","source")
);
--> statement-breakpoint
CREATE TABLE "counts_minute" (
	"service" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"region" text NOT NULL,
	"source" "signal_source" NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "counts_minute_service_bucket_region_source_pk" PRIMARY KEY("service","bucket","region","source")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"problem" text NOT NULL,
	"region" text NOT NULL,
	"subdivision" text,
	"city" text,
	"comment" text,
	"reporter_key" text NOT NULL,
	"reported_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services" (
	"slug" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"homepage" text,
	"countries" text[] DEFAULT '{}' NOT NULL,
	"aliases" text[] NOT NULL,
	"keywords" text[] DEFAULT '{}' NOT NULL,
	"problems" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "reports_service_time_idx" ON "reports" USING btree ("service","reported_at");