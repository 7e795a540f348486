-- CreateEnum
CREATE TYPE "DicomStudyStatus" AS ENUM ('NEEDS_DECISION', 'CASE_CREATED', 'DISMISSED');

-- AlterTable
ALTER TABLE "Volume" ADD COLUMN     "acquisition" JSONB,
ADD COLUMN     "dicomSeriesId" TEXT,
ADD COLUMN     "warnings" JSONB;

-- CreateTable
CREATE TABLE "DicomStudy" (
    "id" TEXT NOT NULL,
    "studyKey" TEXT NOT NULL,
    "patientKey" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" "DicomStudyStatus" NOT NULL,
    "reason" TEXT,
    "caseId" TEXT,
    "decidedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DicomStudy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DicomSeries" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DicomSeries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DicomStudy_studyKey_key" ON "DicomStudy"("studyKey");

-- CreateIndex
CREATE UNIQUE INDEX "DicomStudy_caseId_key" ON "DicomStudy"("caseId");

-- CreateIndex
CREATE INDEX "DicomStudy_status_createdAt_idx" ON "DicomStudy"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "DicomSeries_studyId_seriesKey_key" ON "DicomSeries"("studyId", "seriesKey");

-- AddForeignKey
ALTER TABLE "Volume" ADD CONSTRAINT "Volume_dicomSeriesId_fkey" FOREIGN KEY ("dicomSeriesId") REFERENCES "DicomSeries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DicomStudy" ADD CONSTRAINT "DicomStudy_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DicomSeries" ADD CONSTRAINT "DicomSeries_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "DicomStudy"("id") ON DELETE CASCADE ON UPDATE CASCADE;
