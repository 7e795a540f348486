-- CreateTable
CREATE TABLE "ShadowAgreement" (
    "id" TEXT NOT NULL,
    "predictionId" TEXT NOT NULL,
    "productionPredictionId" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "modelVersionId" TEXT NOT NULL,
    "diceWT" DOUBLE PRECISION NOT NULL,
    "diceTC" DOUBLE PRECISION NOT NULL,
    "diceET" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShadowAgreement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServingFailure" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "modelVersionId" TEXT NOT NULL,
    "role" "ServingRole" NOT NULL,
    "returned" BOOLEAN NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "firstFailedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastFailedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServingFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ShadowAgreement_predictionId_key" ON "ShadowAgreement"("predictionId");

-- CreateIndex
CREATE INDEX "ShadowAgreement_modelVersionId_createdAt_idx" ON "ShadowAgreement"("modelVersionId", "createdAt");

-- CreateIndex
CREATE INDEX "ShadowAgreement_caseId_idx" ON "ShadowAgreement"("caseId");

-- CreateIndex
CREATE INDEX "ServingFailure_modelVersionId_lastFailedAt_idx" ON "ServingFailure"("modelVersionId", "lastFailedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ServingFailure_caseId_modelVersionId_role_key" ON "ServingFailure"("caseId", "modelVersionId", "role");

-- AddForeignKey
ALTER TABLE "ShadowAgreement" ADD CONSTRAINT "ShadowAgreement_predictionId_fkey" FOREIGN KEY ("predictionId") REFERENCES "Prediction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShadowAgreement" ADD CONSTRAINT "ShadowAgreement_productionPredictionId_fkey" FOREIGN KEY ("productionPredictionId") REFERENCES "Prediction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShadowAgreement" ADD CONSTRAINT "ShadowAgreement_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShadowAgreement" ADD CONSTRAINT "ShadowAgreement_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServingFailure" ADD CONSTRAINT "ServingFailure_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServingFailure" ADD CONSTRAINT "ServingFailure_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Move the data the audit log used to hold (the events stay: they record that it happened and who did it).
-- Agreements: one per prediction (those whose predictions no longer exist stay in the log only).
INSERT INTO "ShadowAgreement" ("id", "predictionId", "productionPredictionId", "caseId", "modelVersionId", "diceWT", "diceTC", "diceET", "createdAt")
SELECT DISTINCT ON (e."entityId") e."id", e."entityId", e."data"->>'productionPredictionId', p."caseId", p."modelVersionId",
       (e."data"->'dice'->>'WT')::double precision, (e."data"->'dice'->>'TC')::double precision, (e."data"->'dice'->>'ET')::double precision,
       e."createdAt"
FROM "AuditEvent" e
JOIN "Prediction" p ON p."id" = e."entityId"
JOIN "Prediction" q ON q."id" = e."data"->>'productionPredictionId'
WHERE e."action" = 'shadow.agreement' AND e."entityType" = 'Prediction'
  AND e."data"->'dice'->>'WT' IS NOT NULL AND e."data"->'dice'->>'TC' IS NOT NULL AND e."data"->'dice'->>'ET' IS NOT NULL
-- the first event per prediction (a concurrent duplicate recorded the same figures)
ORDER BY e."entityId", e."createdAt", e."id";

-- Serving failures: one row per (case, model, role), counting the failed attempts, with the last attempt's error.
INSERT INTO "ServingFailure" ("id", "caseId", "modelVersionId", "role", "returned", "error", "attempts", "firstFailedAt", "lastFailedAt")
SELECT f."id", f."caseId", f."modelVersionId", f."role"::"ServingRole", f."returned", f."error", f."attempts", f."firstFailedAt", f."lastFailedAt"
FROM (
  SELECT e."id", e."data"->>'caseId' AS "caseId", e."entityId" AS "modelVersionId", e."data"->>'role' AS "role",
         COALESCE((e."data"->>'returned')::boolean, false) AS "returned", COALESCE(e."data"->>'error', '') AS "error",
         COUNT(*) OVER w AS "attempts", MIN(e."createdAt") OVER w AS "firstFailedAt", MAX(e."createdAt") OVER w AS "lastFailedAt",
         ROW_NUMBER() OVER (PARTITION BY e."data"->>'caseId', e."entityId", e."data"->>'role' ORDER BY e."createdAt" DESC, e."id" DESC) AS "n"
  FROM "AuditEvent" e
  WHERE e."action" = 'prediction.failed' AND e."entityType" = 'ModelVersion'
    AND e."data"->>'role' IN ('PRODUCTION', 'SHADOW', 'CANARY')
  WINDOW w AS (PARTITION BY e."data"->>'caseId', e."entityId", e."data"->>'role')
) f
JOIN "Case" c ON c."id" = f."caseId"
JOIN "ModelVersion" m ON m."id" = f."modelVersionId"
WHERE f."n" = 1;
