/**
 * Many list rows at once, for the list-query tests and bench/lists.ts: cases with a shown prediction and its drift
 * report, some flags, some labels, a training set holding every other case, and the ingest and drift audit events
 * the product writes for each. Written with createMany in batches (10,000 cases in seconds) and with ids derived
 * from the index, so a test knows every row's place in every ordering. No blobs: lists never read them.
 */
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';

export const LIST_SITES = ['Alpha', 'Bravo', 'Charlie', 'Delta'] as const;
const BATCH = 500;
const T0 = Date.UTC(2026, 0, 1);

/** The facts of case i, as the seed writes them (tests derive expectations from these). */
export function listCaseFacts(i: number) {
  const pad = String(i).padStart(5, '0');
  return {
    id: `listcase${pad}`,
    externalId: `L-${pad}`,
    site: LIST_SITES[i % LIST_SITES.length],
    status: i % 10 === 9 ? ('RECEIVED' as const) : ('PREDICTED' as const),
    createdAt: new Date(T0 + i * 60_000),
    drifter: i % 4 === 0,
    // distinct scores among drifters, in an order unrelated to the index
    score: i % 4 === 0 ? 1 + ((i * 37) % 1000) / 100 + i / 1e6 : ((i * 13) % 90) / 100,
    flagged: i % 13 === 0,
    label: i % 5 === 0 ? ('APPROVED' as const) : i % 5 === 1 ? ('DRAFT' as const) : null,
    inTrainingSet: i % 2 === 0,
  };
}

async function inBatches<T>(rows: T[], write: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH));
}

export interface ListRows {
  modelVersionId: string;
  physicianId: string;
  datasetId: string;
}

export async function seedListRows(n: number): Promise<ListRows> {
  const model = await db().modelVersion.create({
    data: { name: 'list-model', version: '1.0.0', blobKey: 'none', sha256: 'none', card: {}, stage: 'PRODUCTION' },
  });
  const physician = await db().user.create({
    data: { email: 'physician@lists.test', name: 'List Physician', role: 'PHYSICIAN', passwordHash: 'x' },
  });
  const dataset = await db().dataset.create({ data: { name: 'list-train', kind: 'TRAIN' } });
  const facts = Array.from({ length: n }, (_, i) => listCaseFacts(i));
  const predicted = facts.filter((f) => f.status === 'PREDICTED');
  await inBatches(facts, (b) =>
    db().case.createMany({
      data: b.map((f) => ({ id: f.id, externalId: f.externalId, site: f.site, status: f.status, createdAt: f.createdAt })),
    }),
  );
  await inBatches(predicted, (b) =>
    db().prediction.createMany({
      data: b.map((f) => ({
        id: `${f.id}p`,
        caseId: f.id,
        modelVersionId: model.id,
        role: 'PRODUCTION' as const,
        returned: true,
        maskBlobKey: 'none',
        maskSha256: 'none',
        volumesMl: {},
        latencyMs: 0,
        createdAt: f.createdAt,
      })),
    }),
  );
  await inBatches(predicted, (b) =>
    db().driftReport.createMany({
      data: b.map((f) => ({
        id: `${f.id}d`,
        caseId: f.id,
        predictionId: `${f.id}p`,
        checks: [],
        score: f.score,
        isDrifter: f.drifter,
        reasons: f.drifter ? ['intensity out of range'] : [],
        createdAt: f.createdAt,
      })),
    }),
  );
  await inBatches(
    facts.filter((f) => f.flagged),
    (b) => db().flag.createMany({ data: b.map((f) => ({ caseId: f.id, userId: physician.id, reason: 'MISSED_LESION' as const })) }),
  );
  await inBatches(
    facts.filter((f) => f.label),
    (b) => db().label.createMany({ data: b.map((f) => ({ caseId: f.id, status: f.label! })) }),
  );
  await inBatches(
    facts.filter((f) => f.inTrainingSet),
    (b) => db().datasetMember.createMany({ data: b.map((f) => ({ datasetId: dataset.id, caseId: f.id, addedAt: f.createdAt })) }),
  );
  await inBatches(facts, (b) =>
    db().auditEvent.createMany({
      data: b.flatMap((f) => [
        {
          actorKind: 'api-token:scanner',
          action: AUDIT.caseIngest,
          entityType: 'Case',
          entityId: f.id,
          data: { externalId: f.externalId, modalities: ['T1N', 'T1C', 'T2W', 'T2F'], referenceMask: false, site: f.site },
          createdAt: f.createdAt,
        },
        ...(f.status !== 'PREDICTED'
          ? []
          : [
              {
                actorKind: 'worker',
                action: AUDIT.driftReport,
                entityType: 'Case',
                entityId: f.id,
                data: {
                  driftReportId: `${f.id}d`,
                  predictionId: `${f.id}p`,
                  isDrifter: f.drifter,
                  score: f.score,
                  reasons: [],
                  model: { name: 'list-model', version: '1.0.0' },
                },
                createdAt: new Date(f.createdAt.getTime() + 1000),
              },
            ]),
      ]),
    }),
  );
  return { modelVersionId: model.id, physicianId: physician.id, datasetId: dataset.id };
}
