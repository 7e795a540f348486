import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { matmul4 } from '@/lib/server/imaging/affine';
import { readNiftiFile, writeNifti, type NiftiVolume } from '@/lib/server/imaging/nifti';

/**
 * A real case rewritten on another voxel grid, so that parity is also checked away from the LPS, 1 mm isotropic layout
 * of the shared data: new voxel axes (old z reversed, old x, old y reversed), i.e. "ILA" storage, and a
 * 1.5 mm spacing declared along the first axis (the anatomy is stretched, which changes every resampling ratio).
 */
export async function writeReorientedCase(images: string[], outDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const [i, file] of images.entries()) {
    const v = await readNiftiFile(file);
    const target = path.join(outDir, `reoriented-${i}.nii.gz`);
    await writeFile(target, writeNifti(reorient(v), { level: 1 }));
    out.push(target);
  }
  return out;
}

function reorient(v: NiftiVolume): Pick<NiftiVolume, 'dims' | 'affine' | 'data'> {
  const [nx, ny, nz] = v.dims;
  const dims: [number, number, number] = [nz, nx, ny];
  const src = v.data;
  const data = new (src.constructor as new (n: number) => typeof src)(src.length);
  // new (i, j, k) holds old (x = j, y = ny - 1 - k, z = nz - 1 - i)
  for (let k = 0, d = 0; k < ny; k++)
    for (let j = 0; j < nx; j++) for (let i = 0; i < nz; i++, d++) data[d] = src[j + nx * (ny - 1 - k + ny * (nz - 1 - i))];
  // new index -> old index, then the old affine; stretch the first new axis to 1.5 mm
  const newToOld = [0, 1, 0, 0, 0, 0, -1, ny - 1, -1, 0, 0, nz - 1, 0, 0, 0, 1];
  const affine = matmul4(v.affine, newToOld);
  for (const r of [0, 4, 8]) affine[r] *= 1.5;
  return { dims, affine, data };
}
