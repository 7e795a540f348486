import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { lesionCount } from '@/lib/server/drift/lesions';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { REAL_DIR } from '../support/real-data';

describe('lesionCount', () => {
  // cc3d.connected_components(connectivity=26) on the fusion mask: 5 components of 4, 13, 38, 407 and 29717 voxels
  it('counts only lesion-sized whole-tumour components of a real mask', async () => {
    const m = await readNiftiFile(path.join(REAL_DIR, 'TCGA-FG-6692/masks/fusion-mav.nii.gz'));
    const mask = m.data as Uint8Array;
    const ml = 0.001; // 1 mm isotropic
    expect(lesionCount(mask, m.dims, ml, 1e-9)).toBe(5);
    expect(lesionCount(mask, m.dims, ml, 0.03)).toBe(3);
    expect(lesionCount(mask, m.dims, ml, 0.3)).toBe(2);
    expect(lesionCount(mask, m.dims, ml, 0.5)).toBe(1);
  });

  it('joins diagonal neighbours (26-connectivity) and counts an empty mask as none', () => {
    const dims: [number, number, number] = [3, 3, 3];
    const mask = new Uint8Array(27);
    mask[0] = 1;
    mask[13] = 2; // (1,1,1): touches (0,0,0) by a corner
    mask[26] = 3;
    expect(lesionCount(mask, dims, 1, 0)).toBe(1);
    expect(lesionCount(new Uint8Array(27), dims, 1, 0)).toBe(0);
  });
});
