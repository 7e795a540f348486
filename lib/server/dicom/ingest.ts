import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';
import { db } from '../db';
import { env } from '../env';
import { AppError, isAppError } from '../errors';
import { prepareStudy, type PreparedStudy } from './prepare';
import { assertDicomKeys, pseudonym } from './privacy';
import { getClassificationRules } from './rules';
import { scanFiles, type DicomInstance } from './scan';
import { storeStudy } from './store';
import type { DicomIngestResult, FailedInstance, IngestDicomOptions, InstanceRef, StudyOutcome } from './types';

export type * from './types';

/** DICOM failure reasons used in STOW-RS responses (PS3.4 / PS3.18). */
export const FAILURE = { processing: 0x0110, transferSyntax: 0xc122, cannotUnderstand: 0xc000 } as const;

/**
 * The one path for DICOM in: STOW-RS, zip/folder uploads, `npm run ingest` and PACS retrieval all call this with the
 * instances they received (absolute paths in the caller's temp dir; the caller removes them). Each study is handled on
 * its own, so a bad study never loses a good one: its headers are read, each series is checked (compression, missing
 * slices), the study is converted by one dcm2niix run, the series are classified by the stored rules, and then either
 * a case is created (one series per sequence), the study waits in "needs a decision", or it is refused with the
 * reason. Files that are not DICOM images are ignored, each with a note.
 */
export async function ingestDicomFiles(actor: Actor, files: string[], opts: IngestDicomOptions): Promise<DicomIngestResult> {
  await authorize(actor, 'case:ingest', { via: 'domain' });
  assertDicomKeys(); // a production install without its keys refuses before anything is read or stored
  if (files.length > env().DICOM_MAX_INSTANCES)
    throw new AppError(
      'TOO_LARGE',
      `${files.length} files received; at most ${env().DICOM_MAX_INSTANCES} DICOM instances at once (DICOM_MAX_INSTANCES).`,
    );
  const scanned = await scanFiles(files);
  const ignored = scanned.flatMap((r) => (r.ok ? [] : [{ file: path.basename(r.file), reason: r.reason }]));
  const byStudy = new Map<string, DicomInstance[]>();
  for (const r of scanned) if (r.ok) byStudy.set(r.instance.studyUid, [...(byStudy.get(r.instance.studyUid) ?? []), r.instance]);
  if (byStudy.size === 0)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `No DICOM images among the ${files.length} file(s) received${
        ignored.length
          ? ` (${ignored
              .slice(0, 3)
              .map((i) => i.reason)
              .join('; ')})`
          : ''
      }.`,
    );
  const rules = await getClassificationRules();
  const studies: StudyOutcome[] = [];
  for (const instances of byStudy.values()) studies.push(await ingestStudy(actor, instances, rules, opts));
  return { studies, ignored };
}

async function ingestStudy(
  actor: Actor,
  instances: DicomInstance[],
  rules: Awaited<ReturnType<typeof getClassificationRules>>,
  opts: IngestDicomOptions,
): Promise<StudyOutcome> {
  const base = { studyKey: pseudonym('study', instances[0].studyUid), studyInstanceUid: instances[0].studyUid, notes: [] as string[] };
  const known = await splitKnown(base.studyKey, instances);
  if ('outcome' in known) return { ...base, ...known.outcome };
  const { todo, repeated } = known;
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-dicom-'));
  let prepared: PreparedStudy | undefined;
  try {
    prepared = await prepareStudy(todo, rules, workDir);
    const stored = await storeStudy(actor, prepared, opts);
    const s = summary(prepared, stored.status === 'refused');
    return { ...base, ...s, accepted: [...repeated, ...s.accepted], notes: prepared.notes, ...stored };
  } catch (e) {
    if (!isAppError(e) || e.code === 'UNAVAILABLE') throw e; // a full queue is the caller's to retry, not the study's fault
    const refusal = { status: 'refused' as const, reason: e.userMessage };
    return prepared
      ? { ...base, ...summary(prepared, true), notes: prepared.notes, ...refusal }
      : { ...base, accepted: [], failed: todo.map((i) => failed(i, e.userMessage, FAILURE.processing)), series: [], ...refusal };
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

const ref = (i: DicomInstance) => ({ sopClassUid: i.sopClassUid, sopInstanceUid: i.sopInstanceUid });

/**
 * A PACS retries a push it did not see acknowledged, or sends a study series by series: series already stored are not
 * converted again; new ones join a study that still waits for a decision, and are refused by one already decided.
 */
async function splitKnown(
  studyKey: string,
  instances: DicomInstance[],
): Promise<
  | { todo: DicomInstance[]; repeated: InstanceRef[] }
  | { outcome: Omit<Extract<StudyOutcome, { status: 'unchanged' }>, 'studyKey' | 'studyInstanceUid' | 'notes'> }
> {
  const known = await db().dicomStudy.findUnique({ where: { studyKey }, include: { series: { select: { seriesKey: true } } } });
  if (!known) return { todo: instances, repeated: [] };
  const keys = new Set(known.series.map((s) => s.seriesKey));
  const fresh = instances.filter((i) => !keys.has(pseudonym('series', i.seriesUid)));
  const repeated = instances.filter((i) => !fresh.includes(i)).map(ref);
  if (fresh.length && known.status === 'NEEDS_DECISION') return { todo: fresh, repeated };
  const late = `the study was already ${known.caseId ? 'made a case' : 'set aside by a person'}; series sent afterwards are not added`;
  return {
    outcome: {
      accepted: repeated,
      failed: fresh.map((i) => failed(i, late, FAILURE.processing)),
      series: [],
      status: 'unchanged',
      dicomStudyId: known.id,
      caseId: known.caseId,
    },
  };
}

/** Per instance: accepted, or failed with the reason of its series (or of the whole study when nothing was stored). */
function summary(study: PreparedStudy, nothingStored: boolean) {
  const accepted: StudyOutcome['accepted'] = [];
  const failedList: FailedInstance[] = [];
  for (const s of study.series) {
    const code = s.setAsideReason?.startsWith('compressed with') ? FAILURE.transferSyntax : FAILURE.processing;
    for (const i of s.instances) {
      if (nothingStored || s.refused) failedList.push(failed(i, s.setAsideReason ?? 'the study was refused', code));
      else accepted.push({ sopClassUid: i.sopClassUid, sopInstanceUid: i.sopInstanceUid });
    }
  }
  const series = study.series.map((s) => ({
    seriesNumber: s.seriesNumber,
    description: s.description,
    role: s.setAsideReason ? null : s.proposedRole,
    setAsideReason: s.setAsideReason,
  }));
  return { accepted, failed: failedList, series };
}

function failed(i: DicomInstance, reason: string, failureCode: number): FailedInstance {
  return { file: path.basename(i.file), sopClassUid: i.sopClassUid, sopInstanceUid: i.sopInstanceUid, reason, failureCode };
}
