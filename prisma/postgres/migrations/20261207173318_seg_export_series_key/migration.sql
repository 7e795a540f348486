-- DropIndex
DROP INDEX "SegExport_seriesInstanceUid_key";

-- AlterTable
-- an export written before this migration gets a placeholder key (its UID in clear is dropped, and SQL has no HMAC)
ALTER TABLE "SegExport" ADD COLUMN "seriesKey" TEXT;
UPDATE "SegExport" SET "seriesKey" = 'unkeyed:' || "id";
ALTER TABLE "SegExport" ALTER COLUMN "seriesKey" SET NOT NULL,
DROP COLUMN "seriesInstanceUid",
DROP COLUMN "sopInstanceUid";

-- CreateIndex
CREATE UNIQUE INDEX "SegExport_seriesKey_key" ON "SegExport"("seriesKey");
