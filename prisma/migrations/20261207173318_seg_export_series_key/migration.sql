-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SegExport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "predictionId" TEXT,
    "labelVersionId" TEXT,
    "blobKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "seriesKey" TEXT NOT NULL,
    "createdById" TEXT,
    "sentAt" DATETIME,
    "pacsError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SegExport_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- an export written before this migration gets a placeholder key (its UID in clear is dropped, and SQL has no HMAC)
INSERT INTO "new_SegExport" ("blobKey", "caseId", "createdAt", "createdById", "id", "labelVersionId", "pacsError", "predictionId", "sentAt", "sha256", "sizeBytes", "source", "seriesKey") SELECT "blobKey", "caseId", "createdAt", "createdById", "id", "labelVersionId", "pacsError", "predictionId", "sentAt", "sha256", "sizeBytes", "source", 'unkeyed:' || "id" FROM "SegExport";
DROP TABLE "SegExport";
ALTER TABLE "new_SegExport" RENAME TO "SegExport";
CREATE UNIQUE INDEX "SegExport_seriesKey_key" ON "SegExport"("seriesKey");
CREATE INDEX "SegExport_caseId_createdAt_idx" ON "SegExport"("caseId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
