/** Rows for the drift, flag and queue integration tests, created directly (the services under test read them). */
import { db } from '@/lib/server/db';
import type { UserActor } from '@/lib/server/auth/session';
import type { RoleName } from '@/lib/permissions';
import { fixtureCard } from './card-fixture';

let seq = 0;
const next = () => `${Date.now().toString(36)}-${++seq}`;

export async function createUserActor(role: RoleName, name = `${role.toLowerCase()} ${next()}`): Promise<UserActor> {
  const u = await db().user.create({ data: { email: `${next()}@test.tumorwatch`, name, role, passwordHash: 'not-a-login' } });
  return { kind: 'user', id: u.id, email: u.email, name: u.name, role };
}

export async function createModelVersion(card: unknown = fixtureCard(), stage: 'PRODUCTION' | 'CANDIDATE' = 'PRODUCTION') {
  return db().modelVersion.create({
    data: {
      name: 'tumorwatch-seg',
      version: `1.0.${++seq}`,
      blobKey: `model-${next()}`,
      sha256: 'a'.repeat(64),
      card: card as object,
      stage,
    },
  });
}

export async function createCase(data: { site?: string; scannerManufacturer?: string; createdAt?: Date } = {}) {
  return db().case.create({ data: { externalId: `CASE-${next()}`, ...data } });
}

export async function createPrediction(
  caseId: string,
  modelVersionId: string,
  opts: {
    returned?: boolean;
    role?: 'PRODUCTION' | 'SHADOW';
    volumesMl?: Record<string, number>;
    features?: number[];
    maskBlobKey?: string;
  } = {},
) {
  return db().prediction.create({
    data: {
      caseId,
      modelVersionId,
      role: opts.role ?? 'PRODUCTION',
      returned: opts.returned ?? true,
      maskBlobKey: opts.maskBlobKey ?? `mask-${next()}`,
      maskSha256: 'b'.repeat(64),
      volumesMl: opts.volumesMl ?? { NCR: 12, ED: 50, ET: 10, TC: 22, WT: 72 },
      componentCounts: { WT: 1, TC: 1, ET: 1 },
      uncertainty: 0.2,
      features: opts.features ?? [0.5, 0.5, 0.5, 0.5],
      latencyMs: 1000,
    },
  });
}

export async function createDriftReport(
  caseId: string,
  predictionId: string,
  score: number,
  extra: { checks?: object[]; createdAt?: Date } = {},
) {
  return db().driftReport.create({
    data: {
      caseId,
      predictionId,
      score,
      isDrifter: score > 1,
      reasons: score > 1 ? ['a reason'] : [],
      checks: extra.checks ?? [],
      createdAt: extra.createdAt,
    },
  });
}
