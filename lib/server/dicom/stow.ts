import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../auth/actor';
import { env } from '../env';
import { AppError } from '../errors';
import { FAILURE, ingestDicomFiles, type DicomIngestResult } from './ingest';
import { parseRelatedType, receiveRelated } from './multipart-related';
import { assertDicomKeys } from './privacy';

/**
 * STOW-RS (PS3.18 10.5): `POST /dicomweb/studies` with `multipart/related; type="application/dicom"`, each part one
 * DICOM instance. The instances go through `ingestDicomFiles` like any upload; the answer is the Store Instances
 * Response Module as application/dicom+json: ReferencedSOPSequence for what was kept, FailedSOPSequence (with a
 * FailureReason) for what was not, and 200 (all stored), 202 (some failed) or 409 (none stored). What happened to each
 * study (case created, waiting for a decision, refused and why) is told in Warning headers, which DICOMweb clients
 * log, and in full as application/json to a client that asks for it (`Accept: application/json`).
 */
const MiB = 1024 * 1024;

export interface StowResponse {
  status: number;
  contentType: string;
  body: unknown;
  warnings: string[];
}

export async function storeInstances(actor: Actor, req: Request): Promise<StowResponse> {
  assertDicomKeys();
  const related = parseRelatedType(req.headers.get('content-type'));
  if (!related)
    throw new AppError('UNSUPPORTED_MEDIA', 'STOW-RS expects Content-Type: multipart/related; type="application/dicom"; boundary=...');
  if (related.type && related.type !== 'application/dicom')
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `STOW-RS here accepts type="application/dicom" instances only, not "${related.type}" (metadata and bulk data).`,
    );
  const e = env();
  const limits = {
    maxRequestBytes: e.DICOM_MAX_REQUEST_BYTES ?? 5 * e.INGEST_MAX_FILE_BYTES + MiB,
    maxPartBytes: e.INGEST_MAX_FILE_BYTES,
    maxParts: e.DICOM_MAX_INSTANCES,
  };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-stow-'));
  try {
    const parts = await receiveRelated(req, related.boundary, dir, limits);
    const wrongType = parts.filter((p) => p.contentType && p.contentType !== 'application/dicom');
    const files = parts.filter((p) => !wrongType.includes(p)).map((p) => p.path);
    if (!files.length) throw new AppError('INVALID_INPUT', 'The request carries no application/dicom part.');
    const result = await ingestDicomFiles(actor, files, { source: 'stow' });
    const json = /application\/json/i.test(req.headers.get('accept') ?? '') && !/dicom\+json/i.test(req.headers.get('accept') ?? '');
    return respond(result, wrongType.length, json);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function respond(result: DicomIngestResult, wrongTypeParts: number, asJson: boolean): StowResponse {
  const referenced = result.studies.flatMap((s) => s.accepted);
  const failed = result.studies.flatMap((s) => s.failed);
  const unreadable = result.ignored.length + wrongTypeParts;
  const status = referenced.length === 0 ? 409 : failed.length + unreadable > 0 ? 202 : 200;
  const warnings = result.studies.map((s) =>
    s.status === 'created'
      ? `study ${s.studyInstanceUid}: case ${s.externalId} created`
      : s.status === 'needs-decision'
        ? `study ${s.studyInstanceUid}: stored, waits for a person to assign its series (${s.reason})`
        : s.status === 'unchanged'
          ? `study ${s.studyInstanceUid}: received before, unchanged`
          : `study ${s.studyInstanceUid}: refused (${s.reason})`,
  );
  if (unreadable) warnings.push(`${unreadable} part(s) were not DICOM instances and were ignored`);
  if (asJson) return { status, contentType: 'application/json', body: result, warnings };
  const item = (uid: { sopClassUid?: string; sopInstanceUid?: string }) => ({
    ...(uid.sopClassUid ? { '00081150': { vr: 'UI', Value: [uid.sopClassUid] } } : {}),
    ...(uid.sopInstanceUid ? { '00081155': { vr: 'UI', Value: [uid.sopInstanceUid] } } : {}),
  });
  const failedItems = [
    ...failed.map((f) => ({ ...item(f), '00081197': { vr: 'US', Value: [f.failureCode] } })),
    ...Array.from({ length: unreadable }, () => ({ '00081197': { vr: 'US', Value: [FAILURE.cannotUnderstand] } })),
  ];
  const body: Record<string, unknown> = {};
  if (failedItems.length) body['00081198'] = { vr: 'SQ', Value: failedItems };
  if (referenced.length) body['00081199'] = { vr: 'SQ', Value: referenced.map(item) };
  return { status, contentType: 'application/dicom+json', body, warnings };
}
