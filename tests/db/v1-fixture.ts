/**
 * A database as the first migration (20261126_init) left it, filled the way the demo seed and a deployment fill it:
 * users, a production model and a candidate in shadow then canary, cases with volumes, predictions, drift reports,
 * a flag, a label with two versions, a dataset, a job, a setting, and the audit events that held the shadow
 * agreements and serving failures before they got tables (one agreement recorded twice by racing workers, one
 * canary case that failed twice). Written as rows, not through today's Prisma client, so the fixture keeps
 * describing that first schema however later migrations change the client.
 */
import { AUDIT } from '@/lib/server/audit';
export type Row = Record<string, string | number | boolean | Date | object | null>;

const t = (minute: number) => new Date(Date.UTC(2026, 10, 27, 9, minute, 0, 0));
const card = { name: 'tumorwatch-seg', channels: ['T1N', 'T1C', 'T2W', 'T2F'] };
const volumesMl = { NCR: 1.5, ED: 12.25, ET: 3.5 };
const ids = {
  radiologist: 'u_rad',
  engineer: 'u_ml',
  production: 'm_prod',
  candidate: 'm_cand',
  cases: ['c_1', 'c_2', 'c_3'],
};

function predictions(): Row[] {
  const rows: Row[] = [];
  ids.cases.forEach((caseId, i) => {
    const base = { caseId, maskBlobKey: `sha256/m${i}`, maskSha256: `m${i}`.padEnd(64, '0'), volumesMl, latencyMs: 2100 + i };
    rows.push({ ...base, id: `p_prod_${i}`, modelVersionId: ids.production, role: 'PRODUCTION', returned: true, createdAt: t(10 + i) });
    if (i < 2)
      rows.push({ ...base, id: `p_shadow_${i}`, modelVersionId: ids.candidate, role: 'SHADOW', returned: false, createdAt: t(10 + i) });
  });
  return rows;
}

/** Shadow prediction i of the candidate against production's prediction of case i + 1. */
const agreement = (i: number, dice: { WT: number; TC: number; ET: number }) => ({
  predictionId: `p_shadow_${i}`,
  productionPredictionId: `p_prod_${i}`,
  caseId: ids.cases[i],
  modelVersionId: ids.candidate,
  dice,
});

/** What the serving job recorded in the audit log before this migration (the data the upgrade moves). */
export const agreementEvents = [
  { id: 'a_1', entityId: 'p_shadow_0', createdAt: t(11), data: agreement(0, { WT: 0.91, TC: 0.875, ET: 0.8 }) },
  // a second worker raced the first on the same prediction: same figures, later event; the first one counts
  { id: 'a_1b', entityId: 'p_shadow_0', createdAt: t(12), data: agreement(0, { WT: 0.91, TC: 0.875, ET: 0.8 }) },
  { id: 'a_2', entityId: 'p_shadow_1', createdAt: t(13), data: agreement(1, { WT: 0.5, TC: 0.25, ET: 1 }) },
];

export const failureEvents = [
  { id: 'f_1', createdAt: t(31), data: { caseId: 'c_3', role: 'CANARY', returned: true, error: 'onnxruntime: invalid input' } },
  { id: 'f_2', createdAt: t(33), data: { caseId: 'c_3', role: 'CANARY', returned: true, error: 'onnxruntime: out of memory' } },
];

function auditEvents(): Row[] {
  const base = { actorId: null, actorKind: 'system' };
  return [
    {
      ...base,
      id: 'e_ingest',
      action: AUDIT.caseIngest,
      entityType: 'Case',
      entityId: 'c_1',
      data: { externalId: 'SITE-A-001' },
      createdAt: t(9),
    },
    ...agreementEvents.map((e) => ({
      ...base,
      id: e.id,
      action: AUDIT.shadowAgreement,
      entityType: 'Prediction',
      entityId: e.entityId,
      data: e.data,
      createdAt: e.createdAt,
    })),
    {
      ...base,
      id: 'e_canary',
      actorId: ids.engineer,
      actorKind: 'user',
      action: AUDIT.modelPromoteCanary,
      entityType: 'ModelVersion',
      entityId: ids.candidate,
      data: { reason: 'shadow agreed', trafficPercent: 50 },
      createdAt: t(30),
    },
    ...failureEvents.map((e) => ({
      ...base,
      actorKind: 'worker',
      id: e.id,
      action: AUDIT.predictionFailed,
      entityType: 'ModelVersion',
      entityId: ids.candidate,
      data: e.data,
      createdAt: e.createdAt,
    })),
    {
      ...base,
      id: 'e_approve',
      actorId: ids.radiologist,
      actorKind: 'user',
      action: AUDIT.labelApprove,
      entityType: 'Label',
      entityId: 'l_1',
      data: { caseId: 'c_1', versionId: 'lv_2' },
      createdAt: t(40),
    },
  ];
}

/** Tables in insertion order (foreign keys first); `Label.headVersionId` is set after its versions exist. */
export function v1Rows(): [table: string, rows: Row[]][] {
  return [
    [
      'User',
      [
        {
          id: ids.radiologist,
          email: 'rad@upgrade.test',
          name: 'Dr Rad',
          role: 'RADIOLOGIST',
          passwordHash: '$2b$10$x',
          active: true,
          createdAt: t(0),
        },
        {
          id: ids.engineer,
          email: 'ml@upgrade.test',
          name: 'Ml Eng',
          role: 'ML_ENGINEER',
          passwordHash: '$2b$10$y',
          active: true,
          createdAt: t(0),
        },
      ],
    ],
    [
      'ApiToken',
      [
        {
          id: 't_pacs',
          name: 'PACS bridge',
          tokenHash: 'e'.repeat(64),
          userId: ids.engineer,
          createdAt: t(0),
          lastUsedAt: t(9),
          revokedAt: null,
        },
      ],
    ],
    [
      'ModelVersion',
      [
        {
          id: ids.production,
          name: 'tumorwatch-seg',
          version: '1.0.0',
          blobKey: 'sha256/prod',
          sha256: 'a'.repeat(64),
          card,
          stage: 'PRODUCTION',
          createdAt: t(1),
          stageChangedAt: t(1),
        },
        {
          id: ids.candidate,
          name: 'tumorwatch-seg',
          version: '1.1.0',
          blobKey: 'sha256/cand',
          sha256: 'b'.repeat(64),
          // names its ONNX file (the production row's card does not): the model_files migration reads the name from here
          card: { ...card, onnx: { file: 'candidate.onnx', sha256: 'b'.repeat(64) } },
          stage: 'CANARY',
          parentId: ids.production,
          createdAt: t(2),
          stageChangedAt: t(30),
        },
      ],
    ],
    [
      'Case',
      ids.cases.map((id, i) => ({
        id,
        externalId: `SITE-A-00${i + 1}`,
        site: 'A',
        scannerManufacturer: 'GE',
        fieldStrength: 3,
        // ingestion kept the uploaded file names, which can carry a patient's name (the upgrade replaces them)
        metadata: {
          patientPseudonym: null,
          files: [`DOE_JANE_${i}_t1.nii.gz`, `DOE_JANE_${i}_t1c.nii.gz`, `DOE_JANE_${i}_t2.nii.gz`, `DOE_JANE_${i}_flair.nii.gz`],
        },
        status: 'PREDICTED',
        assigneeId: i === 0 ? ids.radiologist : null,
        createdAt: t(9),
        updatedAt: t(10 + i),
      })),
    ],
    [
      'Volume',
      ids.cases.flatMap((caseId, i) =>
        ['T1N', 'T1C', 'T2W', 'T2F'].map((modality) => ({
          id: `v_${i}_${modality}`,
          caseId,
          modality,
          blobKey: `sha256/${i}${modality}`,
          sha256: `${i}${modality}`.padEnd(64, '0'),
          sizeBytes: 1234567,
          dims: [240, 240, 155],
          spacing: [1, 1, 1],
          affine: [
            [-1, 0, 0, 0],
            [0, -1, 0, 239],
            [0, 0, 1, 0],
            [0, 0, 0, 1],
          ],
          datatype: 'int16',
          orientation: 'LPS',
          createdAt: t(9),
        })),
      ),
    ],
    ['Prediction', predictions()],
    [
      'DriftReport',
      ids.cases.map((caseId, i) => ({
        id: `d_${i}`,
        caseId,
        predictionId: `p_prod_${i}`,
        checks: [{ family: 'image', kind: 'ood', value: 0.4 + i, threshold: 1.2 }],
        score: 0.4 + i,
        isDrifter: i === 2,
        reasons: i === 2 ? ['ood'] : [],
        createdAt: t(10 + i),
      })),
    ],
    [
      'Flag',
      [
        {
          id: 'fl_1',
          caseId: 'c_2',
          predictionId: 'p_prod_1',
          userId: ids.radiologist,
          reason: 'BOUNDARY',
          note: 'edema under-segmented',
          createdAt: t(20),
        },
      ],
    ],
    [
      'Label',
      [
        {
          id: 'l_1',
          caseId: 'c_1',
          status: 'APPROVED',
          reviewerId: ids.radiologist,
          approvedAt: t(40),
          approvalDice: { WT: 0.93 },
          updatedAt: t(40),
        },
      ],
    ],
    [
      'LabelVersion',
      [
        {
          id: 'lv_1',
          labelId: 'l_1',
          number: 1,
          authorId: ids.radiologist,
          blobKey: 'sha256/lv1',
          sha256: 'c'.repeat(64),
          source: 'MODEL',
          voxelCounts: { 1: 10, 2: 200, 3: 30 },
          changedVoxels: 0,
          message: '',
          createdAt: t(35),
        },
        {
          id: 'lv_2',
          labelId: 'l_1',
          number: 2,
          parentId: 'lv_1',
          authorId: ids.radiologist,
          blobKey: 'sha256/lv2',
          sha256: 'd'.repeat(64),
          source: 'EDIT',
          voxelCounts: { 1: 12, 2: 190, 3: 30 },
          changedVoxels: 12,
          message: 'edema boundary',
          createdAt: t(38),
        },
      ],
    ],
    [
      'Dataset',
      [
        {
          id: 'ds_holdout',
          name: 'holdout-internal',
          kind: 'HOLDOUT_INTERNAL',
          description: 'Locked',
          locked: true,
          lockedAt: t(5),
          createdAt: t(0),
        },
      ],
    ],
    ['DatasetMember', [{ id: 'dm_1', datasetId: 'ds_holdout', caseId: 'c_1', addedAt: t(41) }]],
    [
      'Deployment',
      [
        {
          id: 'dep_shadow',
          modelVersionId: ids.candidate,
          mode: 'SHADOW',
          trafficPercent: 0,
          startedAt: t(3),
          endedAt: t(29),
          endReason: 'promoted to canary',
        },
        {
          id: 'dep_canary',
          modelVersionId: ids.candidate,
          mode: 'CANARY',
          trafficPercent: 50,
          startedAt: t(30),
          endedAt: null,
          endReason: null,
        },
      ],
    ],
    ['AuditEvent', auditEvents()],
    [
      'Job',
      [
        {
          id: 'j_1',
          name: 'serving.case',
          payload: { caseId: 'c_3' },
          status: 'SUCCEEDED',
          attempts: 2,
          idempotencyKey: 'serving.case:c_3',
          progress: 1,
          createdAt: t(9),
          updatedAt: t(34),
        },
      ],
    ],
    ['Setting', [{ key: 'retrain.threshold', value: { n: 50 }, updatedAt: t(0) }]],
  ];
}

export const labelHead = { labelId: 'l_1', headVersionId: 'lv_2' };
export const fixtureIds = ids;
