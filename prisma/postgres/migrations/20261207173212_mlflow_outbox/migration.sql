-- CreateTable
CREATE TABLE "MlflowOutbox" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "doneAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MlflowOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MlflowLink" (
    "id" TEXT NOT NULL,
    "entityKind" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "experimentId" TEXT,
    "runId" TEXT,
    "modelName" TEXT,
    "modelVersion" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MlflowLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MlflowOutbox_idempotencyKey_key" ON "MlflowOutbox"("idempotencyKey");

-- CreateIndex
CREATE INDEX "MlflowOutbox_doneAt_nextAttemptAt_idx" ON "MlflowOutbox"("doneAt", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "MlflowOutbox_entityId_idx" ON "MlflowOutbox"("entityId");

-- CreateIndex
CREATE UNIQUE INDEX "MlflowLink_entityKind_entityId_key" ON "MlflowLink"("entityKind", "entityId");
