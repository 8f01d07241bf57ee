-- AlterTable
ALTER TABLE "assessments" ADD COLUMN     "message_claimed_at" TIMESTAMP(3);
