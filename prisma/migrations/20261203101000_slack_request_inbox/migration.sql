-- CreateEnum
CREATE TYPE "SlackRequestStatus" AS ENUM ('PENDING', 'DONE', 'FAILED', 'ABANDONED');

-- CreateTable
CREATE TABLE "slack_requests" (
    "key" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "body" JSONB,
    "response_url" TEXT,
    "status" "SlackRequestStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "lease_until" TIMESTAMP(3) NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "slack_requests_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "slack_requests_scope_status_lease_until_idx" ON "slack_requests"("scope", "status", "lease_until");

-- CreateIndex
CREATE INDEX "slack_requests_finished_at_idx" ON "slack_requests"("finished_at");
