-- CreateEnum
CREATE TYPE "SignoffRequestStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'STALE', 'OVERRIDDEN');

-- CreateEnum
CREATE TYPE "SignoffKind" AS ENUM ('APPROVE', 'APPROVE_WITH_CONDITIONS', 'REJECT');

-- CreateTable
CREATE TABLE "signoff_requests" (
    "id" UUID NOT NULL,
    "assessment_id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "status" "SignoffRequestStatus" NOT NULL DEFAULT 'PENDING',
    "requested_by" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "thread_ts" TEXT NOT NULL,
    "message_ts" TEXT,
    "requirements" JSONB NOT NULL,
    "verdict" TEXT NOT NULL,
    "decision" TEXT,
    "decision_reason" TEXT,
    "override" BOOLEAN NOT NULL DEFAULT false,
    "overridden_by" TEXT,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "decided_at" TIMESTAMP(3),
    "stale_since" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "signoff_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signoffs" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "kind" "SignoffKind" NOT NULL,
    "note" TEXT,
    "snapshot_hash" TEXT NOT NULL,
    "carried_from_id" UUID,
    "signed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signoffs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "signoff_requests_assessment_id_key" ON "signoff_requests"("assessment_id");

-- CreateIndex
CREATE INDEX "signoff_requests_service_environment_created_at_idx" ON "signoff_requests"("service", "environment", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "signoffs_request_id_role_user_id_key" ON "signoffs"("request_id", "role", "user_id");

-- AddForeignKey
ALTER TABLE "signoffs" ADD CONSTRAINT "signoffs_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "signoff_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;
