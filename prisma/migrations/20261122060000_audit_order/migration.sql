-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "seq" SERIAL NOT NULL;
