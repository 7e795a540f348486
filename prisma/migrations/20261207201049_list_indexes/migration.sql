-- CreateIndex
CREATE INDEX "AuditEvent_action_createdAt_idx" ON "AuditEvent"("action", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_createdAt_idx" ON "AuditEvent"("entityType", "createdAt");

-- CreateIndex
CREATE INDEX "Case_createdAt_idx" ON "Case"("createdAt");

-- CreateIndex
CREATE INDEX "DatasetMember_datasetId_addedAt_idx" ON "DatasetMember"("datasetId", "addedAt");

-- CreateIndex
CREATE INDEX "DriftReport_caseId_isDrifter_idx" ON "DriftReport"("caseId", "isDrifter");
