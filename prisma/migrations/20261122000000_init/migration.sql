-- CreateEnum
CREATE TYPE "AssessmentStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "CheckStatus" AS ENUM ('PENDING', 'PASS', 'WARN', 'FAIL', 'ERROR', 'SKIPPED');

-- CreateTable
CREATE TABLE "assessments" (
    "id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "status" "AssessmentStatus" NOT NULL DEFAULT 'QUEUED',
    "request_key" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "team_id" TEXT,
    "channel_id" TEXT NOT NULL,
    "message_ts" TEXT,
    "score" DOUBLE PRECISION,
    "verdict" TEXT,
    "failure_reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "completed_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "assessments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "check_results" (
    "id" UUID NOT NULL,
    "assessment_id" UUID NOT NULL,
    "check_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "status" "CheckStatus" NOT NULL DEFAULT 'PENDING',
    "message" TEXT,
    "evidence" JSONB,
    "duration_ms" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "check_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "reason" TEXT,
    "data" JSONB,
    "dedupe_key" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "assessments_request_key_key" ON "assessments"("request_key");

-- CreateIndex
CREATE INDEX "assessments_service_environment_created_at_idx" ON "assessments"("service", "environment", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "check_results_assessment_id_check_id_key" ON "check_results"("assessment_id", "check_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_dedupe_key_key" ON "audit_events"("dedupe_key");

-- CreateIndex
CREATE INDEX "audit_events_subject_type_subject_id_at_idx" ON "audit_events"("subject_type", "subject_id", "at");

-- AddForeignKey
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_assessment_id_fkey" FOREIGN KEY ("assessment_id") REFERENCES "assessments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
