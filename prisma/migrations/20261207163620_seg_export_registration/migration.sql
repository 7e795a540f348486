-- AlterTable
ALTER TABLE "Volume" ADD COLUMN "registration" JSONB;

-- CreateTable
CREATE TABLE "SegExport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "predictionId" TEXT,
    "labelVersionId" TEXT,
    "blobKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "seriesInstanceUid" TEXT NOT NULL,
    "sopInstanceUid" TEXT NOT NULL,
    "createdById" TEXT,
    "sentAt" DATETIME,
    "pacsError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SegExport_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "SegExport_seriesInstanceUid_key" ON "SegExport"("seriesInstanceUid");

-- CreateIndex
CREATE INDEX "SegExport_caseId_createdAt_idx" ON "SegExport"("caseId", "createdAt");
