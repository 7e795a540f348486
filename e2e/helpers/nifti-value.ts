/**
 * The value a NIfTI file holds at a world position, read with the server's own reader and the file's affine, for e2e
 * checks of the editor's cursor readout: independent of NiiVue's reorientation.
 * Playwright side: `niftiValueAt(file, mm)`; script side: `tsx --conditions=react-server e2e/helpers/nifti-value.ts FILE X Y Z`.
 */
import { execFileSync } from 'node:child_process';

export function niftiValueAt(file: string, mm: [number, number, number]): { index: number[]; value: number } {
  const out = execFileSync('npx', ['tsx', '--conditions=react-server', __filename, file, ...mm.map(String)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { index: number[]; value: number };
}

/** Solves affine * (i, j, k, 1) = (x, y, z, 1) for the voxel (Cramer's rule on the 3x3 part). */
function worldToVoxel(a: number[], mm: number[]): number[] {
  const m = [0, 1, 2].map((r) => [a[r * 4], a[r * 4 + 1], a[r * 4 + 2]]);
  const b = [0, 1, 2].map((r) => mm[r] - a[r * 4 + 3]);
  const det = (x: number[][]) =>
    x[0][0] * (x[1][1] * x[2][2] - x[1][2] * x[2][1]) -
    x[0][1] * (x[1][0] * x[2][2] - x[1][2] * x[2][0]) +
    x[0][2] * (x[1][0] * x[2][1] - x[1][1] * x[2][0]);
  const d = det(m);
  return [0, 1, 2].map((c) => Math.round(det(m.map((row, r) => row.map((v, k) => (k === c ? b[r] : v)))) / d));
}

async function main(file: string, coords: string[]) {
  const fs = await import('node:fs/promises');
  const { readNifti } = await import('../../lib/server/imaging/nifti');
  const vol = readNifti(new Uint8Array(await fs.readFile(file)));
  const [i, j, k] = worldToVoxel(vol.affine, coords.map(Number));
  const [nx, ny] = vol.dims;
  console.log(JSON.stringify({ index: [i, j, k], value: Number(vol.data[i + j * nx + k * nx * ny]) }));
}

if (require.main === module) void main(process.argv[2], process.argv.slice(3, 6));
