-- CreateEnum
CREATE TYPE "DigestRunStatus" AS ENUM ('PENDING', 'POSTED');

-- CreateTable
CREATE TABLE "digest_runs" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "slot_at" TIMESTAMP(3) NOT NULL,
    "period_from" TIMESTAMP(3) NOT NULL,
    "channel_id" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "status" "DigestRunStatus" NOT NULL DEFAULT 'PENDING',
    "message_ts" TEXT,
    "summary" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "posted_at" TIMESTAMP(3),

    CONSTRAINT "digest_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "digest_runs_key_key" ON "digest_runs"("key");

-- CreateIndex
CREATE INDEX "digest_runs_digest_slot_at_idx" ON "digest_runs"("digest", "slot_at");
