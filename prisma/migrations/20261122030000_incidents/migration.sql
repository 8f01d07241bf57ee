-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED');

-- CreateEnum
CREATE TYPE "IncidentSeverity" AS ENUM ('SEV1', 'SEV2', 'SEV3', 'SEV4');

-- CreateEnum
CREATE TYPE "IncidentNotificationStatus" AS ENUM ('PENDING', 'SENT', 'SUPERSEDED', 'FAILED');

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "request_key" TEXT NOT NULL,
    "merge_key" TEXT,
    "title" TEXT NOT NULL,
    "severity" "IncidentSeverity" NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'OPEN',
    "kind" TEXT NOT NULL,
    "service" TEXT,
    "environment" TEXT,
    "cause" TEXT,
    "opened_by" TEXT NOT NULL,
    "summary" TEXT,
    "evidence" JSONB,
    "runbook_url" TEXT,
    "channel_id" TEXT NOT NULL,
    "message_ts" TEXT,
    "threads" JSONB NOT NULL DEFAULT '[]',
    "stakeholders" JSONB NOT NULL DEFAULT '[]',
    "occurrences" INTEGER NOT NULL DEFAULT 1,
    "policy" JSONB NOT NULL,
    "plan" INTEGER NOT NULL DEFAULT 0,
    "level" INTEGER NOT NULL DEFAULT 0,
    "round" INTEGER NOT NULL DEFAULT 0,
    "escalation_due_at" TIMESTAMP(3),
    "acknowledged_by" TEXT,
    "acknowledged_at" TIMESTAMP(3),
    "resolved_by" TEXT,
    "resolved_at" TIMESTAMP(3),
    "resolution_summary" TEXT,
    "time_to_acknowledge_seconds" INTEGER,
    "time_to_resolve_seconds" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident_notifications" (
    "id" UUID NOT NULL,
    "seq" SERIAL NOT NULL,
    "incident_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "channel" TEXT,
    "thread_ts" TEXT,
    "only_while_open" BOOLEAN NOT NULL DEFAULT false,
    "event" JSONB NOT NULL,
    "status" "IncidentNotificationStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "posted_channel" TEXT,
    "posted_ts" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMP(3),

    CONSTRAINT "incident_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "incidents_number_key" ON "incidents"("number");

-- CreateIndex
CREATE UNIQUE INDEX "incidents_request_key_key" ON "incidents"("request_key");

-- CreateIndex
CREATE UNIQUE INDEX "incidents_merge_key_key" ON "incidents"("merge_key");

-- CreateIndex
CREATE INDEX "incidents_status_severity_idx" ON "incidents"("status", "severity");

-- CreateIndex
CREATE UNIQUE INDEX "incident_notifications_key_key" ON "incident_notifications"("key");

-- CreateIndex
CREATE INDEX "incident_notifications_incident_id_status_seq_idx" ON "incident_notifications"("incident_id", "status", "seq");

-- AddForeignKey
ALTER TABLE "incident_notifications" ADD CONSTRAINT "incident_notifications_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
