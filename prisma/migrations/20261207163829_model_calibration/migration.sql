-- CreateTable
CREATE TABLE "ModelCalibration" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ModelCalibration_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ModelCalibration_modelVersionId_createdAt_idx" ON "ModelCalibration"("modelVersionId", "createdAt");
