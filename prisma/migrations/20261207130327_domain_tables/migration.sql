-- CreateTable
CREATE TABLE "ShadowAgreement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "predictionId" TEXT NOT NULL,
    "productionPredictionId" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "modelVersionId" TEXT NOT NULL,
    "diceWT" REAL NOT NULL,
    "diceTC" REAL NOT NULL,
    "diceET" REAL NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ShadowAgreement_predictionId_fkey" FOREIGN KEY ("predictionId") REFERENCES "Prediction" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ShadowAgreement_productionPredictionId_fkey" FOREIGN KEY ("productionPredictionId") REFERENCES "Prediction" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ShadowAgreement_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ShadowAgreement_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ServingFailure" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "modelVersionId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "returned" BOOLEAN NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "firstFailedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastFailedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ServingFailure_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ServingFailure_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
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

-- Move the data the audit log used to hold (the events stay: they record that it happened and who did it).
-- Agreements: one per prediction (those whose predictions no longer exist stay in the log only).
INSERT INTO "ShadowAgreement" ("id", "predictionId", "productionPredictionId", "caseId", "modelVersionId", "diceWT", "diceTC", "diceET", "createdAt")
SELECT e."id", e."entityId", json_extract(e."data", '$.productionPredictionId'), p."caseId", p."modelVersionId",
       json_extract(e."data", '$.dice.WT'), json_extract(e."data", '$.dice.TC'), json_extract(e."data", '$.dice.ET'), e."createdAt"
FROM "AuditEvent" e
JOIN "Prediction" p ON p."id" = e."entityId"
JOIN "Prediction" q ON q."id" = json_extract(e."data", '$.productionPredictionId')
WHERE e."action" = 'shadow.agreement' AND e."entityType" = 'Prediction'
  AND json_extract(e."data", '$.dice.WT') IS NOT NULL AND json_extract(e."data", '$.dice.TC') IS NOT NULL
  AND json_extract(e."data", '$.dice.ET') IS NOT NULL
  -- the first event per prediction (a concurrent duplicate recorded the same figures)
  AND NOT EXISTS (
    SELECT 1 FROM "AuditEvent" f
    WHERE f."action" = e."action" AND f."entityType" = e."entityType" AND f."entityId" = e."entityId"
      AND (f."createdAt" < e."createdAt" OR (f."createdAt" = e."createdAt" AND f."id" < e."id"))
  );

-- Serving failures: one row per (case, model, role), counting the failed attempts, with the last attempt's error.
INSERT INTO "ServingFailure" ("id", "caseId", "modelVersionId", "role", "returned", "error", "attempts", "firstFailedAt", "lastFailedAt")
SELECT f."id", f."caseId", f."modelVersionId", f."role", f."returned", f."error", f."attempts", f."firstFailedAt", f."lastFailedAt"
FROM (
  SELECT e."id", json_extract(e."data", '$.caseId') AS "caseId", e."entityId" AS "modelVersionId", json_extract(e."data", '$.role') AS "role",
         COALESCE(json_extract(e."data", '$.returned'), 0) AS "returned", COALESCE(json_extract(e."data", '$.error'), '') AS "error",
         COUNT(*) OVER w AS "attempts", MIN(e."createdAt") OVER w AS "firstFailedAt", MAX(e."createdAt") OVER w AS "lastFailedAt",
         ROW_NUMBER() OVER (PARTITION BY json_extract(e."data", '$.caseId'), e."entityId", json_extract(e."data", '$.role') ORDER BY e."createdAt" DESC, e."id" DESC) AS "n"
  FROM "AuditEvent" e
  WHERE e."action" = 'prediction.failed' AND e."entityType" = 'ModelVersion'
    AND json_extract(e."data", '$.role') IN ('PRODUCTION', 'SHADOW', 'CANARY')
  WINDOW w AS (PARTITION BY json_extract(e."data", '$.caseId'), e."entityId", json_extract(e."data", '$.role'))
) f
JOIN "Case" c ON c."id" = f."caseId"
JOIN "ModelVersion" m ON m."id" = f."modelVersionId"
WHERE f."n" = 1;
