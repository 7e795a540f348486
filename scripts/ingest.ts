/**
 * Ingest case folders (BraTS 2023 or 2020 naming; see lib/server/cases/folder.ts):
 *   npm run ingest -- <folder> [--site S] [--url http://host:3000 --token <api token>]
 * Without --url it writes to the local database (DATABASE_URL) through the same server code as the API; with --url
 * it posts each case to POST /api/cases as a machine client would. Exits non-zero if any case is refused.
 */
import { parseArgs } from 'node:util';
import { findCaseFolders, readCaseFolder, type CaseFolder } from '../lib/server/cases/folder';
import { ingestCase } from '../lib/server/cases/ingest';
import { SYSTEM } from '../lib/server/auth/actor';
import { disconnectDb } from '../lib/server/db';

async function postCase(url: string, token: string, c: CaseFolder) {
  const form = new FormData();
  form.set('metadata', JSON.stringify(c.metadata));
  for (const f of c.files) form.append(f.field, new Blob([f.bytes as BlobPart]), f.filename);
  const res = await fetch(new URL('/api/cases', url), { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${res.status} ${body?.error?.message ?? res.statusText}`);
  return body as { caseId: string; created: boolean };
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { site: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } } });
  if (positionals.length !== 1) throw new Error('usage: npm run ingest -- <folder> [--site S] [--url URL --token TOKEN]');
  let failures = 0;
  for (const dir of await findCaseFolders(positionals[0])) {
    try {
      const c = await readCaseFolder(dir, values.site ? { site: values.site } : {});
      const r = values.url ? await postCase(values.url, values.token ?? '', c) : await ingestCase(SYSTEM, c.metadata, c.files);
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
