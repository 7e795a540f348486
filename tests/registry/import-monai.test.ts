/**
 * The MONAI bundle path through the real Python importer: the model zoo's brats_mri_segmentation bundle as it is in
 * ../shared (configs, no weights: they cannot be downloaded here), zipped as a hospital would upload it, is refused
 * with the field the importer names (the missing weights file), audited with that field, and nothing is stored.
 * (A bundle with weights trained here is imported and compared with MONAI in tests/model-import/monai-parity.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { REPO_ROOT } from '../inference/model-fixture';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { importModel } from '@/lib/server/registry/import';

useTestDb();
useTestBlobs();
const ZOO = path.resolve(REPO_ROOT, '../shared/data/models/monai-brats_mri_segmentation');

/** The bundle folder as a zip with its folder name on top, as a downloaded bundle comes. */
function bundleZip(out: string): string {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else files[path.join('brats_mri_segmentation', path.relative(ZOO, full))] = fs.readFileSync(full);
    }
  };
  walk(ZOO);
  fs.writeFileSync(out, zipSync(files));
  return out;
}

describe('importing a MONAI bundle', () => {
  it('refuses the zoo bundle without weights, naming the missing file; audited, nothing stored', async () => {
    const zip = bundleZip(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tw-import-monai-')), 'bundle.zip'));
    const e = await importModel(SYSTEM, { format: 'monai-bundle', source: zip, label: 'bundle.zip', via: 'upload' }).catch((x) => x);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.userMessage).toMatch(/models\/model\.pt: missing .*pass --weights/);
    expect(Object.keys(e.details.fieldErrors)).toEqual(['models/model.pt']);
    expect(await db().modelVersion.count()).toBe(0);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.modelImportRefused } });
    expect(audit).toMatchObject({ entityId: 'bundle.zip', data: { format: 'monai-bundle', via: 'upload', field: 'models/model.pt' } });
  }, 300_000);
});
