import { describe, expect, it } from 'vitest';
import { normalisedResample } from '@/lib/server/inference/crop-resample';
import {
  cropFileBox,
  cropShapeOf,
  nonzeroBoxFile,
  orientationFromAffine,
  rasCrop,
  rasShapeOf,
  rasToFileStrides,
  targetShape,
  type Geometry,
  type Vec3,
} from '@/lib/server/inference/geometry';

const diag = (x: number, y: number, z: number) => [x, 0, 0, 0, 0, y, 0, 0, 0, 0, z, 0, 0, 0, 0, 1];
/** Voxel axis j runs along world axis axes[j] with sign signs[j] and spacing sp[j]. */
function affineOf(axes: number[], signs: number[], sp: number[]): number[] {
  const a = diag(0, 0, 0);
  a[15] = 1;
  axes.forEach((w, j) => (a[w * 4 + j] = signs[j] * sp[j]));
  return a;
}

/** The plain crop: the fused crop + z-score + resampling with an identity z-score and no resampling. */
function extract(volumes: ArrayLike<number>[], g: Geometry): Float32Array {
  const stats = volumes.map(() => ({ mean: 0, std: 1, nonzero: 1 }));
  return normalisedResample(volumes as Float32Array[], { ...g, resampledShape: cropShapeOf(g) }, stats);
}

function geometryFor(affine: number[], dims: Vec3, lo?: Vec3, hi?: Vec3): Geometry {
  const orientation = orientationFromAffine(affine);
  const rasShape = rasShapeOf(dims, orientation);
  return { orientation, fileDims: dims, rasShape, cropLo: lo ?? [0, 0, 0], cropHi: hi ?? rasShape, resampledShape: rasShape };
}

describe('orientationFromAffine (orientation.py rule)', () => {
  it('reads RAS, LPS and permuted affines', () => {
    expect(orientationFromAffine(diag(1, 1, 1))).toEqual({
      perm: [0, 1, 2],
      flip: [false, false, false],
      spacingRas: [1, 1, 1],
      codes: 'RAS',
    });
    expect(orientationFromAffine(diag(-1, -1, 2))).toMatchObject({
      perm: [0, 1, 2],
      flip: [true, true, false],
      spacingRas: [1, 1, 2],
      codes: 'LPS',
    });
    // voxel axes (A, S, L): a sagittal acquisition
    const o = orientationFromAffine(affineOf([1, 2, 0], [1, 1, -1], [0.5, 0.6, 3]));
    expect(o).toMatchObject({ perm: [2, 0, 1], flip: [true, false, false], codes: 'ASL' });
    expect(o.spacingRas).toEqual([3, 0.5, 0.6]);
  });

  it('takes the largest component of each raw column and rejects a repeated world axis', () => {
    // slightly oblique: still a clean permutation
    expect(orientationFromAffine([0.98, 0.2, 0, 0, -0.2, 0.98, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]).codes).toBe('RAS');
    // columns 0 and 1 both point mostly along x: too oblique for permutes and flips
    expect(() => orientationFromAffine([1, 0.9, 0, 0, 0.1, 0.5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(/too oblique/);
  });
});

describe('crop and reorientation', () => {
  const dims: Vec3 = [5, 4, 3];
  const n = dims[0] * dims[1] * dims[2];
  const fileIndex = (x: number, y: number, z: number) => x + dims[0] * (y + dims[1] * z);

  it.each([
    ['RAS', affineOf([0, 1, 2], [1, 1, 1], [1, 1, 1])],
    ['LPS', affineOf([0, 1, 2], [-1, -1, 1], [1, 1, 1])],
    ['ASL', affineOf([1, 2, 0], [1, 1, -1], [1, 1, 1])],
    ['SLP', affineOf([2, 0, 1], [1, -1, -1], [1, 1, 1])],
  ])('%s: each RAS index moves along +world axis, and writing back through rasToFileStrides inverts extract', (_, affine) => {
    const g = geometryFor(affine, dims);
    // value = world coordinate along each axis, packed: 100 * x_w + 10 * y_w + z_w (origin at 0, positive after shift)
    const world = (v: number[], w: number) => [0, 1, 2].reduce((s, j) => s + affine[w * 4 + j] * v[j], 0);
    const data = new Float32Array(n);
    for (let z = 0; z < dims[2]; z++)
      for (let y = 0; y < dims[1]; y++)
        for (let x = 0; x < dims[0]; x++)
          data[fileIndex(x, y, z)] = 100 * (world([x, y, z], 0) + 10) + 10 * (world([x, y, z], 1) + 5) + (world([x, y, z], 2) + 5) / 10;
    const ras = extract([data], g);
    const [X, Y, Z] = g.rasShape;
    const at = (a: number, b: number, c: number) => ras[(a * Y + b) * Z + c];
    if (X > 1) expect(at(1, 0, 0) - at(0, 0, 0)).toBeCloseTo(100, 4);
    if (Y > 1) expect(at(0, 1, 0) - at(0, 0, 0)).toBeCloseTo(10, 4);
    if (Z > 1) expect(at(0, 0, 1) - at(0, 0, 0)).toBeCloseTo(0.1, 4);

    // labels written back the way postprocess.ts writes them: file index = base + RAS (a, b, c) . step
    const labels = new Uint8Array(X * Y * Z).map((_, i) => (i * 7) % 251);
    const file = new Uint8Array(n);
    const { base, step } = rasToFileStrides(g);
    for (let a = 0, i = 0; a < X; a++)
      for (let b = 0; b < Y; b++) for (let c = 0; c < Z; c++, i++) file[base + a * step[0] + b * step[1] + c * step[2]] = labels[i];
    const back = extract([file], g);
    expect(Array.from(back)).toEqual(Array.from(labels));
  });

  it('finds the non-zero box of any channel, grows it by the margin and maps it to RAS and back', () => {
    const a = new Int16Array(n);
    const b = new Float32Array(n);
    a[fileIndex(1, 2, 1)] = 5;
    b[fileIndex(3, 1, 2)] = -1;
    expect(nonzeroBoxFile([a, b], dims)).toEqual({ lo: [1, 1, 1], hi: [3, 2, 2] });
    expect(nonzeroBoxFile([new Int16Array(n)], dims)).toBeNull();

    const affine = affineOf([0, 1, 2], [-1, -1, 1], [1, 1, 1]); // LPS: x and y reversed
    const o = orientationFromAffine(affine);
    const box = nonzeroBoxFile([a, b], dims)!;
    expect(rasCrop(box, dims, o, 0)).toEqual({ lo: [1, 1, 1], hi: [4, 3, 3] });
    const grown = rasCrop(box, dims, o, 1);
    expect(grown).toEqual({ lo: [0, 0, 0], hi: [5, 4, 3] }); // clamped to the volume
    const g = geometryFor(affine, dims, [1, 1, 1], [4, 3, 3]);
    expect(cropShapeOf(g)).toEqual([3, 2, 2]);
    expect(cropFileBox(g)).toEqual(box);
    // the crop holds exactly the two non-zero voxels of channel a and b
    const crop = extract([a, b], g);
    expect(crop.filter((v) => v !== 0).length).toBe(2);
    expect(
      Array.from(crop)
        .filter((v: number) => v !== 0)
        .sort(),
    ).toEqual([-1, 5]);
  });

  it('target shape: max(1, floor(n * round4(s) / t + 0.5)), spacing rounded to 1e-4 mm first', () => {
    // the values preprocess.target_shape gives for the same input
    expect(targetShape([155, 133, 7], [0.99999994, 1.2, 3.0], [2, 2, 2])).toEqual([78, 80, 11]);
    expect(targetShape([1, 3, 133], [1, 1, 1], [2, 2, 2])).toEqual([1, 2, 67]);
  });
});
