CREATE TABLE "detector_states" (
	"service" text NOT NULL,
	"region" text NOT NULL,
	"last_bucket" timestamp with time zone NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "detector_states_service_region_pk" PRIMARY KEY("service","region")
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"region" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"peak_at" timestamp with time zone NOT NULL,
	"peak_count" integer NOT NULL,
	"peak_expected" double precision NOT NULL,
	"peak_score" double precision NOT NULL,
	"global_incident_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "incidents_service_started_idx" ON "incidents" USING btree ("service","started_at");--> statement-breakpoint
CREATE INDEX "incidents_open_idx" ON "incidents" USING btree ("service","region") WHERE "incidents"."status" = 'open';