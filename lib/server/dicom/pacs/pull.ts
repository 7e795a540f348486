import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../../auth/actor';
import { authorize } from '../../auth/authorize';
import { db, type Tx } from '../../db';
import { AUDIT, recordAudit } from '../../audit';
import { env } from '../../env';
import { AppError, isAppError } from '../../errors';
import { ingestDicomFiles } from '../ingest';
import { pseudonym } from '../privacy';
import type { StudyOutcome } from '../types';
import { qido, retrieveStudy, tagValue, tagValues } from './client';
import { requirePacs, type PacsConfig } from './config';

/** A study as the PACS lists it, for the pull page; the UID travels to the browser and back, never to the database. */
export interface PacsStudy {
  studyInstanceUid: string;
  studyKey: string;
  studyDate: string | null;
  description: string | null;
  modalities: string[];
  series: number | null;
  instances: number | null;
  /** already received (by push, upload or an earlier pull): a pull skips it */
  received: boolean;
}

export interface PullResult {
  studyKey: string;
  status: StudyOutcome['status'] | 'skipped' | 'failed';
  caseId: string | null;
  reason: string | null;
}

/** QIDO-RS: MR studies of the configured PACS, newest first, each marked when TumorWatch already has it. */
export async function queryPacsStudies(actor: Actor, query: { from?: string; to?: string; limit?: number } = {}): Promise<PacsStudy[]> {
  await authorize(actor, 'case:ingest', { via: 'domain' });
  return listStudies(requirePacs(), query);
}

export async function listStudies(pacs: PacsConfig, query: { from?: string; to?: string; limit?: number }): Promise<PacsStudy[]> {
  for (const [k, v] of Object.entries({ from: query.from, to: query.to }))
    if (v !== undefined && !/^\d{8}$/.test(v)) throw new AppError('INVALID_INPUT', `${k}: a DICOM date is YYYYMMDD (got "${v}")`);
  const range: Record<string, string> = query.from || query.to ? { StudyDate: `${query.from ?? ''}-${query.to ?? ''}` } : {};
  const rows = await qido(pacs, '/studies', {
    ModalitiesInStudy: 'MR',
    limit: query.limit ?? 100,
    includefield: ['00081030', '00201206', '00201208'],
    ...range,
  });
  const studies = rows.flatMap((r) => {
    const uid = tagValue(r, '0020000D');
    if (!uid) return [];
    const count = (tag: string) => (tagValue(r, tag) === null ? null : Number(tagValue(r, tag)));
    return [
      {
        studyInstanceUid: uid,
        studyKey: pseudonym('study', uid),
        studyDate: tagValue(r, '00080020'),
        description: tagValue(r, '00081030'),
        modalities: tagValues(r, '00080061'),
        series: count('00201206'),
        instances: count('00201208'),
        received: false,
      },
    ];
  });
  const known = new Set(
    (await db().dicomStudy.findMany({ where: { studyKey: { in: studies.map((s) => s.studyKey) } }, select: { studyKey: true } })).map(
      (s) => s.studyKey,
    ),
  );
  for (const s of studies) s.received = known.has(s.studyKey);
  return studies.sort((a, b) => (b.studyDate ?? '').localeCompare(a.studyDate ?? ''));
}

/**
 * WADO-RS retrieval of each study not received before, handed to the one DICOM ingestion path (H6's
 * ingestDicomFiles, source 'pacs'). Idempotent: a study whose pseudonym is already a DicomStudy is skipped without
 * retrieval. One study's failure (the PACS, a refusal) never stops the others.
 */
export async function pullStudies(
  actor: Actor,
  studyUids: string[],
  opts: {
    trigger: 'on-demand' | 'schedule';
    since?: string;
    pacs?: PacsConfig;
    inTransaction?: (tx: Tx, results: PullResult[]) => Promise<void>;
  },
): Promise<PullResult[]> {
  await authorize(actor, 'case:ingest', { via: 'domain' });
  const pacs = opts.pacs ?? requirePacs();
  const results: PullResult[] = [];
  for (const uid of [...new Set(studyUids)]) {
    const studyKey = pseudonym('study', uid);
    const known = await db().dicomStudy.findUnique({ where: { studyKey }, select: { caseId: true } });
    if (known) {
      results.push({ studyKey, status: 'skipped', caseId: known.caseId, reason: 'already received' });
      continue;
    }
    results.push(await pullOne(actor, pacs, uid, studyKey));
  }
  await db().$transaction(async (tx) => {
    await opts.inTransaction?.(tx, results);
    const count = (status: PullResult['status']) => results.filter((r) => r.status === status).length;
    await recordAudit(tx, {
      actor,
      action: AUDIT.pacsPull,
      entityId: 'pacs',
      data: {
        trigger: opts.trigger,
        requested: results.length,
        skipped: count('skipped'),
        pulled: results.length - count('skipped') - count('failed'),
        failed: count('failed'),
        since: opts.since ?? null,
      },
    });
  });
  return results;
}

async function pullOne(actor: Actor, pacs: PacsConfig, uid: string, studyKey: string): Promise<PullResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-pacs-'));
  try {
    const e = env();
    const files = await retrieveStudy(pacs, uid, dir, {
      maxRequestBytes: e.DICOM_MAX_REQUEST_BYTES ?? 5 * e.INGEST_MAX_FILE_BYTES + 1024 * 1024, // as STOW-RS receives
      maxPartBytes: e.INGEST_MAX_FILE_BYTES,
      maxParts: e.DICOM_MAX_INSTANCES,
    });
    const { studies } = await ingestDicomFiles(actor, files, { source: 'pacs' });
    const outcome = studies.find((s) => s.studyKey === studyKey) ?? studies[0];
    if (!outcome) return { studyKey, status: 'failed', caseId: null, reason: 'the PACS sent no instance of the study' };
    const caseId = 'caseId' in outcome ? outcome.caseId : null;
    const reason = 'reason' in outcome ? outcome.reason : null;
    return { studyKey, status: outcome.status, caseId, reason };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { studyKey, status: 'failed', caseId: null, reason: err.userMessage };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
