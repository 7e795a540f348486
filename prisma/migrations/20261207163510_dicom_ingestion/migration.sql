-- CreateTable
CREATE TABLE "DicomStudy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "studyKey" TEXT NOT NULL,
    "patientKey" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "caseId" TEXT,
    "decidedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DicomStudy_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DicomSeries" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "studyId" TEXT NOT NULL,
    "seriesKey" TEXT NOT NULL,
    "seriesNumber" INTEGER,
    "description" TEXT,
    "proposedRole" TEXT,
    "role" TEXT,
    "setAsideReason" TEXT,
    "blobKey" TEXT,
    "sha256" TEXT,
    "sizeBytes" INTEGER,
    "dims" JSONB,
    "spacing" JSONB,
    "affine" JSONB,
    "datatype" TEXT,
    "orientation" TEXT,
    "acquisition" JSONB,
    "warnings" JSONB,
    "sourceRefs" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DicomSeries_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "DicomStudy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Volume" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "modality" TEXT NOT NULL,
    "blobKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "dims" JSONB NOT NULL,
    "spacing" JSONB NOT NULL,
    "affine" JSONB NOT NULL,
    "datatype" TEXT NOT NULL,
    "orientation" TEXT NOT NULL,
    "acquisition" JSONB,
    "warnings" JSONB,
    "dicomSeriesId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Volume_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Volume_dicomSeriesId_fkey" FOREIGN KEY ("dicomSeriesId") REFERENCES "DicomSeries" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Volume" ("affine", "blobKey", "caseId", "createdAt", "datatype", "dims", "id", "modality", "orientation", "sha256", "sizeBytes", "spacing") SELECT "affine", "blobKey", "caseId", "createdAt", "datatype", "dims", "id", "modality", "orientation", "sha256", "sizeBytes", "spacing" FROM "Volume";
DROP TABLE "Volume";
ALTER TABLE "new_Volume" RENAME TO "Volume";
CREATE UNIQUE INDEX "Volume_caseId_modality_key" ON "Volume"("caseId", "modality");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "DicomStudy_studyKey_key" ON "DicomStudy"("studyKey");

-- CreateIndex
CREATE UNIQUE INDEX "DicomStudy_caseId_key" ON "DicomStudy"("caseId");

-- CreateIndex
CREATE INDEX "DicomStudy_status_createdAt_idx" ON "DicomStudy"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "DicomSeries_studyId_seriesKey_key" ON "DicomSeries"("studyId", "seriesKey");
