-- Who is posting a sign-off request's message, and a notice, right now: a claim with a lease, so two processes (a
-- click and the recovery sweep, two sweeping workers) never post the same message side by side, and a count of
-- attempts, so whoever claims after an attempt that may have reached Slack looks for its post first.
ALTER TABLE "signoff_requests" ADD COLUMN "message_claimed_at" TIMESTAMP(3);
ALTER TABLE "signoff_requests" ADD COLUMN "message_attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "signoff_notices" ADD COLUMN "attempted_at" TIMESTAMP(3);

-- The recovery sweep's look-ups: notices still owed, requests whose message was never recorded.
CREATE INDEX "signoff_notices_status_created_at_idx" ON "signoff_notices"("status", "created_at");
CREATE INDEX "signoff_requests_message_ts_created_at_idx" ON "signoff_requests"("created_at") WHERE "message_ts" IS NULL;
