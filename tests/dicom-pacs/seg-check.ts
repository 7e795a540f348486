import { childEnv } from '@/lib/server/env';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { db } from '@/lib/server/db';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { matmul4, type Mat4 } from '@/lib/server/imaging/affine';

/** The generator's ground truth on the case grid (the T1C conversion's, which dcm2niix re-indexes): the label to approve. */
export async function truthOnCaseGrid(
  id: string,
  synthetic: { caseId: string; seed: string; dims: [number, number, number] },
): Promise<Uint8Array> {
  const DIMS = synthetic.dims;
  const gen = generateCase({ caseId: synthetic.caseId, seed: synthetic.seed, domain: 'A', grid: { dims: DIMS, spacing: [1, 1, 1] } });
  const t1c = await db().volume.findFirstOrThrow({ where: { caseId: id, modality: 'T1C' } });
  const [nx, ny, nz] = t1c.dims as number[];
  const g = gen.affine; // diagonal (LPS voxel order): inverted per axis
  const toGen = matmul4(
    [1 / g[0], 0, 0, -g[3] / g[0], 0, 1 / g[5], 0, -g[7] / g[5], 0, 0, 1 / g[10], -g[11] / g[10], 0, 0, 0, 1],
    t1c.affine as Mat4,
  );
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const s = [0, 1, 2].map((r) => Math.round(toGen[r * 4] * i + toGen[r * 4 + 1] * j + toGen[r * 4 + 2] * k + toGen[r * 4 + 3]));
        out[i + nx * (j + ny * k)] = gen.seg[s[0] + DIMS[0] * (s[1] + DIMS[1] * s[2])];
      }
  return out;
}

/** pydicom reads the SEG of `series` among `files` back onto the mask's NIfTI grid (tumorwatch_train.dicom.seg). */
export async function compareSegWithMask(maskFile: string, series: string, files: string[]) {
  const { stdout } = await promisify(execFile)(path.resolve('.venv/bin/python'), ['-c', CHECK, maskFile, series, ...files], {
    env: childEnv({ PYTHONPATH: path.resolve('training/src') }),
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { tumourVoxels: number; agreeing: number; creator: string; algorithm: string };
}

// Finds the SEG of the given series among the retrieved files and compares it, label by label, with the mask.
const CHECK = `
import json, sys
import nibabel as nib, numpy as np, pydicom
from tumorwatch_train.dicom.seg import read_seg_labels
mask_file, series, files = sys.argv[1], sys.argv[2], sys.argv[3:]
seg = next(f for f in files if pydicom.dcmread(f, stop_before_pixels=True).SeriesInstanceUID == series)
img = nib.load(mask_file)
mask = np.asarray(img.dataobj).astype(np.uint8)
back = read_seg_labels(seg, img.affine, mask.shape)
ds = pydicom.dcmread(seg, stop_before_pixels=True)
tumour = (mask > 0) | (back > 0)
print(json.dumps({"tumourVoxels": int(tumour.sum()), "agreeing": int((tumour & (mask == back)).sum()),
  "creator": str(ds.get("ContentCreatorName", "")), "algorithm": ds.SegmentSequence[0].SegmentAlgorithmType}))
`;
