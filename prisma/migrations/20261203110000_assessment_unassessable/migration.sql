-- AlterEnum: an assessment our own infrastructure could not finish ends "could not assess", never GO or NO-GO.
ALTER TYPE "AssessmentStatus" ADD VALUE 'UNASSESSABLE';
