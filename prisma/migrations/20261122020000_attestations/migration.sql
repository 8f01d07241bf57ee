-- CreateTable
CREATE TABLE "attestations" (
    "id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "check_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "attested_by" TEXT NOT NULL,
    "attested_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "assessment_id" UUID NOT NULL,

    CONSTRAINT "attestations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "attestations_service_environment_check_id_expires_at_idx" ON "attestations"("service", "environment", "check_id", "expires_at");
