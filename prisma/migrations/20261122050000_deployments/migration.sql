-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('PLANNED', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'ABORTED', 'CANCELLED', 'ROLLING_BACK', 'ROLLED_BACK', 'ROLLBACK_FAILED');

-- CreateEnum
CREATE TYPE "DeploymentTaskStatus" AS ENUM ('PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'SKIPPED');

-- CreateTable
CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "request_key" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "version" TEXT,
    "status" "DeploymentStatus" NOT NULL DEFAULT 'PLANNED',
    "requested_by" TEXT NOT NULL,
    "started_by" TEXT,
    "channel_id" TEXT NOT NULL,
    "thread_ts" TEXT,
    "message_ts" TEXT,
    "assessment_id" UUID NOT NULL,
    "plan" JSONB NOT NULL,
    "current_phase" INTEGER NOT NULL DEFAULT 0,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "failure_reason" TEXT,
    "rollback_reason" TEXT,
    "rollback_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "rollback_started_at" TIMESTAMP(3),
    "rollback_finished_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployment_tasks" (
    "id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "phase_index" INTEGER NOT NULL,
    "task_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" "DeploymentTaskStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "idempotency_key" TEXT NOT NULL,
    "message" TEXT,
    "evidence" JSONB,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "deployment_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployment_locks" (
    "service" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "deployment_id" UUID NOT NULL,
    "holder" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployment_locks_pkey" PRIMARY KEY ("service","environment")
);

-- CreateIndex
CREATE UNIQUE INDEX "deployments_request_key_key" ON "deployments"("request_key");

-- CreateIndex
CREATE INDEX "deployments_service_environment_created_at_idx" ON "deployments"("service", "environment", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "deployment_tasks_deployment_id_stage_task_id_key" ON "deployment_tasks"("deployment_id", "stage", "task_id");

-- AddForeignKey
ALTER TABLE "deployment_tasks" ADD CONSTRAINT "deployment_tasks_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
