-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LabelVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "labelId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "parentId" TEXT,
    "authorId" TEXT NOT NULL,
    "blobKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "modelVersionId" TEXT,
    "voxelCounts" JSONB NOT NULL,
    "changedVoxels" INTEGER NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LabelVersion_labelId_fkey" FOREIGN KEY ("labelId") REFERENCES "Label" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LabelVersion_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "LabelVersion" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "LabelVersion_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "LabelVersion_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_LabelVersion" ("authorId", "blobKey", "changedVoxels", "createdAt", "id", "labelId", "message", "number", "parentId", "sha256", "source", "voxelCounts") SELECT "authorId", "blobKey", "changedVoxels", "createdAt", "id", "labelId", "message", "number", "parentId", "sha256", "source", "voxelCounts" FROM "LabelVersion";
DROP TABLE "LabelVersion";
ALTER TABLE "new_LabelVersion" RENAME TO "LabelVersion";
CREATE UNIQUE INDEX "LabelVersion_labelId_number_key" ON "LabelVersion"("labelId", "number");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Versions recorded from the model before this column: attribute them to the model of the case's returned
-- prediction that was current when the version was recorded (the mask the editor opened).
UPDATE "LabelVersion" SET "modelVersionId" = (
  SELECT p."modelVersionId" FROM "Prediction" p JOIN "Label" l ON l."caseId" = p."caseId"
  WHERE l."id" = "LabelVersion"."labelId" AND p."returned" = true AND p."createdAt" <= "LabelVersion"."createdAt"
  ORDER BY p."createdAt" DESC LIMIT 1
)
WHERE "source" = 'MODEL' AND "modelVersionId" IS NULL;
