-- CreateTable
CREATE TABLE "ModelCalibration" (
    "id" TEXT NOT NULL,
    "modelVersionId" TEXT NOT NULL,
    "reference" JSONB NOT NULL,
    "datasetId" TEXT,
    "datasetName" TEXT,
    "caseIds" JSONB NOT NULL,
    "cases" INTEGER NOT NULL,
    "labelledCases" INTEGER NOT NULL,
    "createdById" TEXT,
    "createdBy" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelCalibration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ModelCalibration_modelVersionId_createdAt_idx" ON "ModelCalibration"("modelVersionId", "createdAt");

-- AddForeignKey
ALTER TABLE "ModelCalibration" ADD CONSTRAINT "ModelCalibration_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
