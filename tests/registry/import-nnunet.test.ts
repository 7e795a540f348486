/**
 * The nnU-Net path end to end through the real Python importer: a trained-model folder in nnU-Net's format with its
 * own network (tiny_nnunet.py: two folds, untrained weights), zipped as nnUNetv2_export_model_to_zip does, is
 * unpacked, converted, validated against both graphs and registered as one ensemble candidate; importer options
 * reach the importer (--folds 0: one member). A plan with a normalisation the card cannot express is refused with the
 * plans.json field named, audited, and nothing is stored. (Parity of the imported model with nnUNetPredictor is
 * tests/model-import/nnunet-parity.test.ts.)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { PYTHON, REPO_ROOT, TRAINING_SRC } from '../inference/model-fixture';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { importModel } from '@/lib/server/registry/import';

useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-import-nnunet-'));
let folder = '';

/** The trained-model folder zipped under its dataset folder, as nnUNetv2_export_model_to_zip lays it out. */
function exportZip(trained: string, out: string) {
  const files: Record<string, Uint8Array> = {};
  const root = path.join(path.basename(path.dirname(trained)), path.basename(trained));
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(json|pth)$/.test(e.name)) {
        const rel = path.relative(trained, full);
        files[path.join(root, rel)] = fs.readFileSync(full);
      }
    }
  };
  walk(trained);
  fs.writeFileSync(out, zipSync(files, { level: 0 }));
  return out;
}

/** Writes the tiny trained-model folder under `root`; returns its path. */
async function tinyNnunet(root: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(PYTHON, [path.join(__dirname, 'tiny_nnunet.py'), root, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PYTHONPATH: TRAINING_SRC, OMP_NUM_THREADS: '1' },
    timeout: 300_000,
  });
  return stdout.trim().split('\n').at(-1)!;
}

beforeAll(async () => {
  folder = await tinyNnunet(path.join(dir, 'model'));
}, 300_000);

describe('importing an nnU-Net v2 export zip', () => {
  it('registers its two folds as one ensemble candidate', async () => {
    const zip = exportZip(folder, path.join(dir, 'export.zip'));
    const m = await importModel(SYSTEM, {
      format: 'nnunet',
      source: zip,
      name: 'nnunet-brats',
      version: '2.0.0',
      label: 'export.zip',
      via: 'upload',
    });
    expect(m).toMatchObject({ name: 'nnunet-brats', version: '2.0.0', stage: 'CANDIDATE', created: true });
    const files = await db().modelFile.findMany({ where: { modelVersionId: m.id }, orderBy: { ordinal: 'asc' } });
    expect(files).toHaveLength(2);
    const card = (await db().modelVersion.findUniqueOrThrow({ where: { id: m.id } })).card as { onnx: { files: { file: string }[] } };
    expect(files.map((f) => f.file)).toEqual(card.onnx.files.map((f) => f.file));
  }, 600_000);

  it('passes importer options on: --folds 0 registers one member', async () => {
    const zip = path.join(dir, 'export.zip');
    const m = await importModel(SYSTEM, {
      format: 'nnunet',
      source: zip,
      name: 'nnunet-brats',
      version: '2.0.1',
      importerArgs: ['--folds', '0'],
      via: 'cli',
    });
    expect(await db().modelFile.count({ where: { modelVersionId: m.id } })).toBe(1);
  }, 600_000);

  it('refuses a plan whose normalisation the card cannot express, naming the plans.json field; nothing stored', async () => {
    const before = await db().modelFile.count();
    const ct = await tinyNnunet(path.join(dir, 'ct'), '--folds', '0', '--normalization', 'CTNormalization');
    const zip = exportZip(ct, path.join(dir, 'ct.zip'));
    const e = await importModel(SYSTEM, { format: 'nnunet', source: zip, label: 'ct.zip', via: 'upload' }).catch((x) => x);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.userMessage).toMatch(/plans\.json configurations\.3d_fullres\.normalization_schemes\.0: CTNormalization cannot be expressed/);
    const field = Object.keys(e.details.fieldErrors)[0];
    expect(field).toBe('plans.json configurations.3d_fullres.normalization_schemes.0');
    expect(await db().modelFile.count()).toBe(before);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.modelImportRefused, entityId: 'ct.zip' } });
    expect(audit.data).toMatchObject({ format: 'nnunet', via: 'upload', field });
  }, 600_000);
});
