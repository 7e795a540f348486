-- AlterTable
ALTER TABLE "LabelVersion" ADD COLUMN     "modelVersionId" TEXT;

-- AddForeignKey
ALTER TABLE "LabelVersion" ADD CONSTRAINT "LabelVersion_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Versions recorded from the model before this column: attribute them to the model of the case's returned
-- prediction that was current when the version was recorded (the mask the editor opened).
UPDATE "LabelVersion" SET "modelVersionId" = (
  SELECT p."modelVersionId" FROM "Prediction" p JOIN "Label" l ON l."caseId" = p."caseId"
  WHERE l."id" = "LabelVersion"."labelId" AND p."returned" = true AND p."createdAt" <= "LabelVersion"."createdAt"
  ORDER BY p."createdAt" DESC LIMIT 1
)
WHERE "source" = 'MODEL' AND "modelVersionId" IS NULL;
