CREATE TABLE "service_counts_hour" (
	"service" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"source" "signal_source" NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "service_counts_hour_service_bucket_source_pk" PRIMARY KEY("service","bucket","source")
);
--> statement-breakpoint
CREATE TABLE "service_counts_minute" (
	"service" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"source" "signal_source" NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "service_counts_minute_service_bucket_source_pk" PRIMARY KEY("service","bucket","source")
);
--> statement-breakpoint
-- Existing installs: the totals of the counts already kept.
INSERT INTO "service_counts_minute" ("service", "bucket", "source", "count")
SELECT "service", "bucket", "source", sum("count")::int FROM "counts_minute" GROUP BY 1, 2, 3;--> statement-breakpoint
INSERT INTO "service_counts_hour" ("service", "bucket", "source", "count")
SELECT "service", "bucket", "source", sum("count")::int FROM "counts_hour" GROUP BY 1, 2, 3;
