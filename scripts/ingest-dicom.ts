/**
 * The DICOM half of `npm run ingest`: a folder (nested or not) of DICOM files, or zips of them. Locally it goes through
 * the same server code as an upload (lib/server/dicom/upload.ts); with --url it is pushed by STOW-RS to
 * /dicomweb/studies with the API token, as a PACS would, one request per study. Prints what happened to each study
 * and each set-aside series.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { SYSTEM } from '../lib/server/auth/actor';
import { ingestDicomUpload, listFilesDeep, looksLikeDicom } from '../lib/server/dicom/upload';
import { scanFiles } from '../lib/server/dicom/scan';
import { uploadSummary, type UploadSummaryDto } from '../lib/server/dicom/summary';

/** DICOM files under `root` (or null when it holds NIfTI volumes, or no DICOM at all). */
export async function dicomFilesIn(root: string): Promise<string[] | null> {
  const files = await listFilesDeep(root);
  if (files.some((f) => /\.nii(\.gz)?$/i.test(f))) return null;
  for (const f of files) if (await looksLikeDicom(f)) return files;
  return null;
}

async function postStow(url: string, token: string, files: string[]): Promise<UploadSummaryDto> {
  const boundary = `tw-ingest-${Date.now().toString(36)}`;
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), await fs.readFile(f), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const res = await fetch(new URL('/dicomweb/studies', url), {
    method: 'POST',
    body: Buffer.concat(parts),
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
    },
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok && res.status !== 409) throw new Error(`${res.status} ${body?.error?.message ?? res.statusText}`);
  return uploadSummary(body);
}

/**
 * The files as one request per study (the server takes a study at a time anyway): a scanner export of many studies
 * would otherwise be one body, held in memory, and refused over DICOM_MAX_REQUEST_BYTES. Files that are not DICOM
 * images ride with the first request, so that the server names them in its answer as it does for an upload.
 */
async function studyBatches(files: string[]): Promise<string[][]> {
  const byStudy = new Map<string, string[]>();
  const other: string[] = [];
  for (const r of await scanFiles(files)) {
    if (!r.ok) other.push(r.file);
    else byStudy.set(r.instance.studyUid, [...(byStudy.get(r.instance.studyUid) ?? []), r.instance.file]);
  }
  const batches = [...byStudy.values()];
  if (!batches.length) return [other];
  batches[0].push(...other);
  return batches;
}

async function pushStow(url: string, token: string, files: string[]): Promise<UploadSummaryDto> {
  const answers: UploadSummaryDto[] = [];
  for (const batch of await studyBatches(files)) answers.push(await postStow(url, token, batch));
  return {
    stored: answers.some((a) => a.stored),
    studies: answers.flatMap((a) => a.studies),
    ignored: answers.flatMap((a) => a.ignored),
  };
}

/** Ingests the folder; returns the number of studies refused (nothing stored counts as one). */
export async function ingestDicomFolder(root: string, files: string[], opts: { url?: string; token?: string }): Promise<number> {
  const summary = opts.url
    ? await pushStow(opts.url, opts.token ?? '', files)
    : uploadSummary(
        await ingestDicomUpload(
          SYSTEM,
          files.map((f) => ({ path: f, name: path.relative(root, f) })),
        ),
      );
  let refused = summary.stored ? 0 : 1;
  for (const s of summary.studies) {
    if (s.status === 'created') console.log(`created ${s.externalId} -> ${s.caseId}`);
    else if (s.status === 'unchanged') console.log(`unchanged: study received before${s.caseId ? ` (case ${s.caseId})` : ''}`);
    else if (s.status === 'needs-decision') console.log(`waiting for a decision (assign its series at /dicom/decisions): ${s.reason}`);
    else {
      refused++;
      console.error(`refused: ${s.reason}`);
    }
    for (const x of s.series.filter((x) => x.setAsideReason))
      console.log(`  series ${x.seriesNumber ?? '?'} "${x.description}" set aside: ${x.setAsideReason}`);
    for (const n of s.notes) console.log(`  note: ${n}`);
  }
  if (summary.ignored.length)
    console.log(`ignored ${summary.ignored.length} file(s) that are not DICOM images, e.g. ${summary.ignored[0].reason}`);
  return refused;
}
