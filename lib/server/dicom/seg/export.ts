import 'server-only';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../../auth/actor';
import { actorUserId } from '../../auth/actor';
import { authorize } from '../../auth/authorize';
import { AUDIT, recordAudit } from '../../audit';
import { blobs } from '../../blobs';
import { db } from '../../db';
import { AppError } from '../../errors';
import { runDicomTool } from '../../imaging/coregister-python';
import { pseudonym } from '../privacy';
import { readCaseSourceReferences, type SourceReferences } from '../references';
import { sealBytes } from './sealed';
import { toDto, type SegExportDto } from './queries';

export type SegSource = 'PREDICTION' | 'LABEL';

interface Resolved {
  maskKey: string;
  predictionId: string | null;
  labelVersionId: string | null;
  description: string;
  algorithm: { name: string; version: string } | null;
  reviewer: { name: string; detail: string } | null;
}

/**
 * Writes a DICOM SEG (highdicom: training/src/tumorwatch_train/dicom/seg.py) of the case's shown prediction or its
 * approved label, in the source study and referencing the source series whose grid the case's volumes share. Every
 * export is a new series (a new SeriesInstanceUID and series number), so a later one never replaces an earlier one in
 * the PACS. Stored sealed (sealed.ts), then the row and its audit event in one transaction.
 */
export async function exportSeg(actor: Actor, caseId: string, source: SegSource): Promise<SegExportDto & { seriesInstanceUid: string }> {
  await authorize(actor, 'seg:export', { via: 'domain' });
  const c = await db().case.findUnique({ where: { id: caseId }, select: { id: true, externalId: true } });
  if (!c) throw new AppError('NOT_FOUND', 'No such case.');
  const resolved = await resolveSource(caseId, source);
  const candidates = await sourceCandidates(caseId, c.externalId);
  const seriesNumber = 900 + (await db().segExport.count({ where: { caseId } }));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-seg-'));
  try {
    const mask = path.join(dir, 'mask.nii.gz');
    await fs.writeFile(mask, await blobs().get(resolved.maskKey));
    const request = path.join(dir, 'request.json');
    const { maskKey: _unused, predictionId: _p, labelVersionId: _l, description, ...who } = resolved;
    await fs.writeFile(
      request,
      JSON.stringify({
        mask,
        candidates: candidates.map((x) => x.refs),
        seriesNumber,
        seriesDescription: description,
        software: 'TumorWatch',
        ...who,
      }),
      { mode: 0o600 },
    );
    const out = path.join(dir, 'seg.dcm');
    const written = await runDicomTool<{ seriesInstanceUid: string; sopInstanceUid: string; sourceSeriesInstanceUid: string }>([
      'seg',
      '--request',
      request,
      '--out',
      out,
    ]);
    const plain = new Uint8Array(await fs.readFile(out));
    const put = await blobs().put(sealBytes(plain));
    const referenced = candidates.find((x) => x.refs.seriesInstanceUid === written.sourceSeriesInstanceUid)?.modality ?? 'unknown';
    const row = await db().$transaction(async (tx) => {
      const created = await tx.segExport.create({
        data: {
          caseId,
          source,
          predictionId: resolved.predictionId,
          labelVersionId: resolved.labelVersionId,
          blobKey: put.key,
          sha256: createHash('sha256').update(plain).digest('hex'),
          sizeBytes: plain.length,
          seriesKey: pseudonym('series', written.seriesInstanceUid),
          createdById: actorUserId(actor),
        },
      });
      await recordAudit(tx, {
        actor,
        action: AUDIT.segExport,
        entityId: created.id,
        data: {
          caseId,
          source,
          predictionId: resolved.predictionId,
          labelVersionId: resolved.labelVersionId,
          sha256: created.sha256,
          referencedSequence: referenced,
        },
      });
      return created;
    });
    // the UID goes back to the caller, never to the database (only its pseudonym, like every DICOM UID stored)
    return { ...toDto(row), seriesInstanceUid: written.seriesInstanceUid };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function resolveSource(caseId: string, source: SegSource): Promise<Resolved> {
  if (source === 'PREDICTION') {
    const p = await db().prediction.findFirst({ where: { caseId, returned: true }, include: { modelVersion: true } });
    if (!p) throw new AppError('CONFLICT', 'The case has no shown prediction yet: nothing to export.');
    const { name, version } = p.modelVersion;
    return {
      maskKey: p.maskBlobKey,
      predictionId: p.id,
      labelVersionId: null,
      description: `TumorWatch ${name} ${version}`,
      algorithm: { name, version },
      reviewer: null,
    };
  }
  const label = await db().label.findUnique({ where: { caseId }, include: { headVersion: true, reviewer: true } });
  if (!label || label.status !== 'APPROVED' || !label.headVersion)
    throw new AppError('CONFLICT', 'The case has no approved label: a label is exported once a second reader has approved it.');
  const reader = label.reviewer?.name ?? 'a second reader';
  return {
    maskKey: label.headVersion.blobKey,
    predictionId: null,
    labelVersionId: label.headVersion.id,
    description: `TumorWatch label v${label.headVersion.number} approved`,
    algorithm: null,
    reviewer: { name: reader, detail: `label v${label.headVersion.number} approved by ${reader}` },
  };
}

/** The case's source series, those never resampled first (their grid is the case grid), T1C first among them. */
async function sourceCandidates(caseId: string, externalId: string): Promise<{ modality: string; refs: SourceReferences }[]> {
  const refs = await readCaseSourceReferences(caseId);
  const volumes = await db().volume.findMany({ where: { caseId }, select: { modality: true, registration: true } });
  const rank = (m: string) => (volumes.find((v) => v.modality === m)?.registration ? 2 : 0) + (m === 'T1C' ? 0 : 1);
  const list = Object.entries(refs)
    .filter((e): e is [string, SourceReferences] => !!e[1])
    .map(([modality, r]) => ({ modality, refs: r }))
    .sort((a, b) => rank(a.modality) - rank(b.modality));
  if (list.length === 0)
    throw new AppError(
      'CONFLICT',
      `Case ${externalId} was not received as DICOM: a DICOM SEG must reference its source series, and a NIfTI upload has none.`,
    );
  return list;
}
