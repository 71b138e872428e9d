-- Minute counts become range-partitioned by bucket, one partition per UTC day (drizzle-kit cannot
-- express partitioning, so this migration is written by hand; the snapshot is unchanged because the
-- columns and primary keys are). Names carry the bounds, which the partition maintenance of the
-- aggregator (src/queries/minute-partitions.ts) relies on:
--   <table>_pYYYYMMDD        that UTC day;
--   <table>_before_YYYYMMDD  everything before that day: the rows kept from before partitioning,
--                            moved in one statement and dropped at once when retention reaches them
--                            (a partition per day of history would take a lock per partition in
--                            this one transaction, thousands of them for years of counts);
--   <table>_default          the safety net: a bucket no other partition covers is stored here,
--                            never refused.
-- The old tables are renamed aside (with their primary key, whose index name the new table takes),
-- their rows moved, then dropped.
ALTER TABLE "counts_minute" RENAME TO "counts_minute_unpartitioned";--> statement-breakpoint
ALTER TABLE "counts_minute_unpartitioned" RENAME CONSTRAINT "counts_minute_service_bucket_region_source_pk" TO "counts_minute_unpartitioned_pk";--> statement-breakpoint
ALTER TABLE "service_counts_minute" RENAME TO "service_counts_minute_unpartitioned";--> statement-breakpoint
ALTER TABLE "service_counts_minute_unpartitioned" RENAME CONSTRAINT "service_counts_minute_service_bucket_source_pk" TO "service_counts_minute_unpartitioned_pk";--> statement-breakpoint
CREATE TABLE "counts_minute" (
	"service" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"region" text NOT NULL,
	"source" "signal_source" NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "counts_minute_service_bucket_region_source_pk" PRIMARY KEY("service","bucket","region","source")
) PARTITION BY RANGE ("bucket");--> statement-breakpoint
CREATE TABLE "service_counts_minute" (
	"service" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"source" "signal_source" NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "service_counts_minute_service_bucket_source_pk" PRIMARY KEY("service","bucket","source")
) PARTITION BY RANGE ("bucket");--> statement-breakpoint
-- Today by the database's clock, the same clock the aggregator's maintenance reads, so the day
-- partitions it creates from today on never overlap the history partition. Bounds are written with
-- an explicit +00 and dates with to_char: neither the session's TimeZone nor its DateStyle matters.
DO $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  parent text;
BEGIN
  FOREACH parent IN ARRAY ARRAY['counts_minute', 'service_counts_minute'] LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (MINVALUE) TO (%L)',
      parent || '_before_' || to_char(today, 'YYYYMMDD'), parent,
      to_char(today, 'YYYY-MM-DD') || ' 00:00:00+00');
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
      parent || '_p' || to_char(today, 'YYYYMMDD'), parent,
      to_char(today, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(today + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', parent || '_default', parent);
  END LOOP;
END
$$;--> statement-breakpoint
INSERT INTO "counts_minute" ("service", "bucket", "region", "source", "count")
SELECT "service", "bucket", "region", "source", "count" FROM "counts_minute_unpartitioned";--> statement-breakpoint
INSERT INTO "service_counts_minute" ("service", "bucket", "source", "count")
SELECT "service", "bucket", "source", "count" FROM "service_counts_minute_unpartitioned";--> statement-breakpoint
DROP TABLE "counts_minute_unpartitioned";--> statement-breakpoint
DROP TABLE "service_counts_minute_unpartitioned";
