/**
 * Ingest case folders (BraTS 2023 or 2020 naming; see lib/server/cases/folder.ts), or a folder of DICOM files or zips
 * (scripts/ingest-dicom.ts: converted, classified, and a case created or left waiting for a decision):
 *   npm run ingest -- <folder> [--site S] [--url http://host:3000 --token <api token>] [--max-wait-min 30]
 * Without --url it writes to the local database (DATABASE_URL) through the same server code as the API; with --url
 * it posts each case to POST /api/cases as a machine client would. When the serving queue is full (503, Retry-After)
 * it waits as told and sends the same case again, for at most --max-wait-min minutes per case. Exits non-zero if any
 * case is refused.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { findCaseFolders, readCaseFolder, type CaseFolder } from '../lib/server/cases/folder';
import { ingestCase } from '../lib/server/cases/ingest';
import { SYSTEM } from '../lib/server/auth/actor';
import { disconnectDb } from '../lib/server/db';
import { isAppError } from '../lib/server/errors';
import { dicomFilesIn, ingestDicomFolder } from './ingest-dicom';

/** The queue is over its limit: nothing was stored; the same case may be sent again after `retryAfterS`. */
class QueueFull extends Error {
  constructor(
    readonly retryAfterS: number,
    message: string,
  ) {
    super(message);
  }
}

async function postCase(url: string, token: string, c: CaseFolder) {
  const form = new FormData();
  form.set('metadata', JSON.stringify(c.metadata));
  for (const f of c.files) form.append(f.field, new Blob([f.bytes as BlobPart]), f.filename);
  const res = await fetch(new URL('/api/cases', url), { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
  const body = await res.json().catch(() => ({}));
  const message = `${res.status} ${body?.error?.message ?? res.statusText}`;
  if (res.status === 503) throw new QueueFull(Number(res.headers.get('retry-after')) || 30, message);
  if (!res.ok) throw new Error(message);
  return body as { caseId: string; created: boolean };
}

async function ingestLocally(c: CaseFolder) {
  try {
    return await ingestCase(SYSTEM, c.metadata, c.files);
  } catch (e) {
    if (isAppError(e) && e.code === 'UNAVAILABLE') throw new QueueFull(e.details.retryAfterS ?? 30, e.userMessage);
    throw e;
  }
}

/** Sends one case, waiting out a full queue as the server asks, until `maxWaitMs` has passed. */
async function sendWaiting<T>(send: () => Promise<T>, caseId: string, maxWaitMs: number): Promise<T> {
  const giveUpAt = Date.now() + maxWaitMs;
  for (;;) {
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof QueueFull) || Date.now() + e.retryAfterS * 1000 > giveUpAt) throw e;
      console.log(`queue full: ${caseId} is sent again in ${e.retryAfterS} s`);
      await sleep(e.retryAfterS * 1000);
    }
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      site: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      'max-wait-min': { type: 'string', default: '30' },
    },
  });
  const maxWaitMs = Number(values['max-wait-min']) * 60_000;
  if (!(maxWaitMs >= 0)) throw new Error('--max-wait-min must be a number of minutes');
  if (positionals.length !== 1)
    throw new Error('usage: npm run ingest -- <folder> [--site S] [--url URL --token TOKEN] [--max-wait-min 30]');
  const dicom = await dicomFilesIn(positionals[0]);
  if (dicom) {
    if (await ingestDicomFolder(positionals[0], dicom, { url: values.url, token: values.token })) process.exitCode = 1;
    return;
  }
  const folders = await findCaseFolders(positionals[0]);
  if (!folders.length)
    throw new Error(`${positionals[0]}: no NIfTI case folders (BraTS naming) and no DICOM files found; nothing was ingested`);
  let failures = 0;
  for (const dir of folders) {
    try {
      const c = await readCaseFolder(dir, values.site ? { site: values.site } : {});
      const send = () => (values.url ? postCase(values.url, values.token ?? '', c) : ingestLocally(c));
      const r = await sendWaiting(send, String(c.metadata.caseId), maxWaitMs);
      console.log(`${r.created ? 'created' : 'unchanged'} ${c.metadata.caseId} -> ${r.caseId}`);
    } catch (e) {
      failures++;
      console.error(`refused ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (failures) process.exitCode = 1;
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
