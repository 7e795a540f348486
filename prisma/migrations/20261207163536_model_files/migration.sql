-- CreateTable
CREATE TABLE "ModelFile" (
    "modelVersionId" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "file" TEXT NOT NULL,
    "blobKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,

    PRIMARY KEY ("modelVersionId", "ordinal"),
    CONSTRAINT "ModelFile_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Versions registered before ensembles had one ONNX file: it becomes member 0, named as the card names it
INSERT INTO "ModelFile" ("modelVersionId", "ordinal", "file", "blobKey", "sha256")
SELECT "id", 0, COALESCE(json_extract("card", '$.onnx.file'), 'model.onnx'), "blobKey", "sha256" FROM "ModelVersion";
