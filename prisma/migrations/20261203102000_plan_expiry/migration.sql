-- A PLANNED deployment expires: existing rows get the default hour after they were planned.
ALTER TABLE "deployments" ADD COLUMN "plan_expires_at" TIMESTAMP(3);
UPDATE "deployments" SET "plan_expires_at" = "created_at" + INTERVAL '1 hour';
ALTER TABLE "deployments" ALTER COLUMN "plan_expires_at" SET NOT NULL;

-- The sweep looks for plans past their expiry whose delayed job was lost.
CREATE INDEX "deployments_status_plan_expires_at_idx" ON "deployments"("status", "plan_expires_at");
