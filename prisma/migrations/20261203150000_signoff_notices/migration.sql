-- Sign-off notices owed to the thread (decision, override, expiry), written in the transaction that made them due.
CREATE TABLE "signoff_notices" (
    "key" TEXT NOT NULL,
    "request_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "posted_ts" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMP(3),

    CONSTRAINT "signoff_notices_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "signoff_notices_request_id_status_idx" ON "signoff_notices"("request_id", "status");
