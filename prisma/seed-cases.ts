/**
 * Demo cases: the two real glioma cases from ../shared/data/real (read in place, never copied into the repo; their
 * fusion masks use BraTS 2020 labels, remapped 4 -> 3 on ingestion) and a synthetic domain-A cohort. Every case goes
 * through the same ingestion code as the API, so each one is validated and queued for segmentation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ingestCase, type UploadedFile } from '../lib/server/cases/ingest';
import { findCaseFolders, readCaseFolder } from '../lib/server/cases/folder';
import { generateCohort } from '../lib/server/imaging/cohort';
import { SYSTEM } from '../lib/server/auth/actor';

export const REAL_DATA_DIR = path.resolve(__dirname, '../../shared/data/real');
const REAL_FILES = {
  t1n: 'images/t1.nii.gz',
  t1c: 'images/t1c.nii.gz',
  t2w: 'images/t2.nii.gz',
  t2f: 'images/flair.nii.gz',
  mask: 'masks/fusion-mav.nii.gz',
};

export async function seedRealCases(): Promise<number> {
  if (!fs.existsSync(REAL_DATA_DIR)) {
    console.log(`[seed] ${REAL_DATA_DIR} not found: real demo cases skipped`);
    return 0;
  }
  let n = 0;
  for (const id of fs
    .readdirSync(REAL_DATA_DIR)
    .filter((d) => d.startsWith('TCGA-'))
    .sort()) {
    const files: UploadedFile[] = Object.entries(REAL_FILES).map(([field, rel]) => ({
      field,
      filename: path.basename(rel),
      bytes: new Uint8Array(fs.readFileSync(path.join(REAL_DATA_DIR, id, rel))),
    }));
    const metadata = { caseId: id, site: 'TCIA', scannerManufacturer: 'unknown', maskLabelMap: 'brats2020' };
    const r = await ingestCase(SYSTEM, metadata, files);
    console.log(`[seed] ${r.created ? 'ingested' : 'kept'} real case ${id}`);
    n++;
  }
  return n;
}

export async function seedCohortCases(count: number, cacheDir: string): Promise<number> {
  if (count <= 0) return 0;
  const dir = path.join(cacheDir, `demo-A-seed7-n${count}`);
  if (!fs.existsSync(path.join(dir, 'cohort.json'))) {
    console.log(`[seed] generating ${count} synthetic domain-A cases into ${dir}`);
    await generateCohort({ domain: 'A', n: count, seed: '7', out: dir, shifts: [], grid: { dims: [240, 240, 155], spacing: [1, 1, 1] } });
  }
  for (const caseDir of await findCaseFolders(dir)) {
    const c = await readCaseFolder(caseDir);
    const r = await ingestCase(SYSTEM, c.metadata, c.files);
    if (r.created) console.log(`[seed] ingested ${c.metadata.caseId}`);
  }
  return count;
}
