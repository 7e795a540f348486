-- AlterTable
ALTER TABLE "WorkflowRun" ADD COLUMN     "curve" JSONB;
