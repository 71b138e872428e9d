ALTER TABLE "detector_states" ADD COLUMN "source" text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE "detector_states" DROP CONSTRAINT "detector_states_service_region_pk";--> statement-breakpoint
ALTER TABLE "detector_states" ADD CONSTRAINT "detector_states_service_region_source_pk" PRIMARY KEY("service","region","source");--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "source" text DEFAULT 'all' NOT NULL;--> statement-breakpoint
DROP INDEX "incidents_open_idx";--> statement-breakpoint
CREATE INDEX "incidents_open_idx" ON "incidents" USING btree ("service","region","source") WHERE "incidents"."status" = 'open';
