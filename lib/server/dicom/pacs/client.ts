import 'server-only';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { AppError } from '../../errors';
import { parseRelatedType, receiveRelated, type RelatedLimits } from '../multipart-related';
import type { PacsConfig } from './config';

/**
 * A DICOMweb client (PS3.18) for the configured PACS: QIDO-RS queries, WADO-RS retrieval of a whole study into a temp
 * folder, STOW-RS store. A PACS that cannot be reached or answers with an error is UNAVAILABLE (503) with what it said;
 * nothing here retries (the scheduled poll comes again, an on-demand pull is repeated by the user).
 */

/** A DICOM JSON dataset (PS3.18 F.2): tag -> { vr, Value }. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export function tagValue(ds: DicomJson, tag: string): string | null {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return null;
  if (typeof v === 'object' && v && 'Alphabetic' in v) return String((v as { Alphabetic: unknown }).Alphabetic);
  return String(v);
}

export function tagValues(ds: DicomJson, tag: string): string[] {
  return (ds[tag]?.Value ?? []).map(String);
}

async function call(pacs: PacsConfig, path: string, init: RequestInit & { accept: string }): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Accept', init.accept);
  if (pacs.authorization) headers.set('Authorization', pacs.authorization);
  let res: Response;
  try {
    res = await fetch(`${pacs.url}${path}`, { ...init, headers });
  } catch (e) {
    throw new AppError('UNAVAILABLE', `The PACS at ${pacs.url} cannot be reached: ${(e as Error).cause ?? (e as Error).message}`);
  }
  if (res.status >= 400) {
    const text = (await res.text().catch(() => '')).slice(0, 300);
    const why = res.status === 401 || res.status === 403 ? ' (check PACS_USERNAME/PACS_PASSWORD or PACS_BEARER_TOKEN)' : '';
    throw new AppError('UNAVAILABLE', `The PACS answered ${res.status} to ${init.method ?? 'GET'} ${path}${why}${text ? `: ${text}` : ''}`);
  }
  return res;
}

/** QIDO-RS: studies (or a study's series) matching the query parameters; an empty answer (204) is no match. */
/**
 * A list value becomes a repeated parameter (includefield=A&includefield=B): a comma-separated one is percent-encoded
 * by URLSearchParams (%2C), which Orthanc's DICOMweb plugin 1.7 does not decode, so it ignored every field asked for.
 */
export async function qido(pacs: PacsConfig, path: string, query: Record<string, string | number | string[]> = {}): Promise<DicomJson[]> {
  const params = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, String(x)])));
  const res = await call(pacs, `${path}${params.size ? `?${params}` : ''}`, { accept: 'application/dicom+json' });
  if (res.status === 204) return [];
  const body: unknown = await res.json().catch(() => null);
  if (!Array.isArray(body)) throw new AppError('UNAVAILABLE', `The PACS's answer to ${path} is not a DICOM JSON array.`);
  return body as DicomJson[];
}

/** WADO-RS: every instance of a study, as Part-10 files in `dir` (streamed, never held in memory). */
export async function retrieveStudy(pacs: PacsConfig, studyUid: string, dir: string, limits: RelatedLimits): Promise<string[]> {
  const res = await call(pacs, `/studies/${encodeURIComponent(studyUid)}`, {
    accept: 'multipart/related; type="application/dicom"; transfer-syntax=*',
  });
  const related = parseRelatedType(res.headers.get('content-type'));
  if (!related) throw new AppError('UNAVAILABLE', `The PACS sent the study as ${res.headers.get('content-type')}, not multipart/related.`);
  // the splitter reads a request body; a response body streams the same way
  const asRequest = new Request('http://pacs.invalid/', {
    method: 'POST',
    body: res.body,
    headers: res.headers,
    duplex: 'half',
  } as RequestInit);
  const parts = await receiveRelated(asRequest, related.boundary, dir, limits);
  return parts.map((p) => p.path);
}

export interface StowResult {
  stored: string[];
  failed: { sopInstanceUid: string | null; reason: string | null }[];
}

/** STOW-RS: stores Part-10 files (one request, multipart/related) and reads back what the PACS kept. */
export async function storeInstances(pacs: PacsConfig, files: string[]): Promise<StowResult> {
  const boundary = `tumorwatch-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`));
    chunks.push(await fs.promises.readFile(f));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const res = await call(pacs, '/studies', {
    method: 'POST',
    accept: 'application/dicom+json',
    headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
    body: Buffer.concat(chunks),
  });
  const body = (await res.json().catch(() => ({}))) as DicomJson;
  const seq = (tag: string) => (body[tag]?.Value ?? []) as DicomJson[];
  return {
    stored: seq('00081199').map((i) => tagValue(i, '00081155') ?? ''),
    failed: seq('00081198').map((i) => ({ sopInstanceUid: tagValue(i, '00081155'), reason: tagValue(i, '00081197') })),
  };
}
