import fs from 'node:fs';
import path from 'node:path';

export const REAL_DIR = path.resolve(__dirname, '../../../shared/data/real');
export const REAL_CASES = ['TCGA-DU-7294', 'TCGA-FG-6692'];

export function realCaseFiles(id: string, withMask = false) {
  const rel: Record<string, string> = {
    t1n: 'images/t1.nii.gz',
    t1c: 'images/t1c.nii.gz',
    t2w: 'images/t2.nii.gz',
    t2f: 'images/flair.nii.gz',
  };
  if (withMask) rel.mask = 'masks/fusion-mav.nii.gz';
  return Object.entries(rel).map(([field, r]) => ({
    field,
    filename: path.basename(r),
    bytes: new Uint8Array(fs.readFileSync(path.join(REAL_DIR, id, r))),
  }));
}
