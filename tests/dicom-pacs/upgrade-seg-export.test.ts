/**
 * The seg_export_series_key migration drops the SEG's UIDs in clear: an export written before it keeps its row, with a
 * placeholder key in place of the UID (SQL has no HMAC). Runs on the provider of the generated client.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedProvider } from '../support/db';
import { createRawDatabase, type RawDatabase } from '../db/raw';

const root = path.resolve(__dirname, '../..');
let raw: RawDatabase | undefined;

function migrate(url: string, ...args: string[]) {
  execFileSync('npm', ['run', '--silent', 'db:migrate', '--', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'pipe',
  });
}

afterAll(async () => {
  await raw?.close();
  await raw?.drop();
});

describe('upgrading SEG exports to pseudonymised series keys', () => {
  it('keeps an earlier export with a placeholder key and no UID', async () => {
    raw = await createRawDatabase(generatedProvider());
    migrate(raw.url, '--until', 'seg_export_registration');
    const at = new Date(Date.UTC(2026, 11, 7, 17, 0, 0));
    await raw.insert('Case', { id: 'c_1', externalId: 'DICOM-1', status: 'PREDICTED', createdAt: at, updatedAt: at });
    const uid = '1.2.826.0.1.3680043.10.511.3.1234';
    await raw.insert('SegExport', {
      id: 'seg_1',
      caseId: 'c_1',
      source: 'LABEL',
      blobKey: 'sha256/ab/cd',
      sha256: 'a'.repeat(64),
      sizeBytes: 10,
      seriesInstanceUid: uid,
      sopInstanceUid: `${uid}.1`,
      createdAt: at,
    });
    await raw.close();
    migrate(raw.url);
    const rows = await raw.rows('SegExport');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: 'seg_1', caseId: 'c_1', source: 'LABEL', seriesKey: 'unkeyed:seg_1' });
    expect(JSON.stringify(rows)).not.toContain(uid);
  }, 180_000);
});
