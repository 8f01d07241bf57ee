-- AlterTable: every audit event names the state its action found and the state it left.
ALTER TABLE "audit_events" ADD COLUMN     "before" JSONB,
ADD COLUMN     "after" JSONB;
