/**
 * Imaging benchmark.
 * 1. readNifti on a real 4-modality case vs a plain zlib.gunzipSync of the same bytes (baseline measured in the same
 *    run, interleaved so machine load hits both alike; CPU-time medians, wall beside); target: parsing adds < 20 %.
 * 2. One synthetic 240x240x155 cohort case (4 modalities + mask, generated and gzipped): wall and CPU seconds
 *    (single-threaded, so CPU time is the uncontended figure); target well < 2 s.
 * Writes bench/results/imaging.json (flat).  Run: npx tsx --conditions=react-server bench/imaging.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { readNifti, writeNifti } from '@/lib/server/imaging/nifti';

const RUNS = 11;
const realDir = path.resolve(__dirname, '../../shared/data/real/TCGA-DU-7294/images');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Wall and CPU milliseconds. Everything here is synchronous and single-threaded, so CPU time is the figure that
 * survives a busy shared machine (wall time there includes waiting for other processes).
 */
function time(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

function main() {
  const files = ['t1', 't1c', 't2', 'flair'].map((m) => new Uint8Array(readFileSync(path.join(realDir, `${m}.nii.gz`))));
  const gunzipMs: { wall: number; cpu: number }[] = [];
  const readMs: { wall: number; cpu: number }[] = [];
  let checksum = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const g = time(() => files.forEach((b) => (checksum += gunzipSync(b).length)));
    const r = time(() => files.forEach((b) => (checksum += readNifti(b).data.length)));
    if (run === 0) continue; // warm-up: JIT and page cache
    gunzipMs.push(g);
    readMs.push(r);
  }
  const caseMs: { wall: number; cpu: number }[] = [];
  for (let run = 0; run < 3; run++)
    caseMs.push(
      time(() => {
        const c = generateCase({ caseId: `BENCH-${run}`, seed: 'bench', domain: 'A' });
        const gz = { level: 1, strategy: constants.Z_RLE }; // what scripts/cohort.ts writes with
        for (const img of Object.values(c.images)) writeNifti({ dims: c.dims, affine: c.affine, data: img! }, gz);
        writeNifti({ dims: c.dims, affine: c.affine, data: c.seg }, gz);
      }),
    );
  const med = (xs: { wall: number; cpu: number }[], k: 'wall' | 'cpu') => median(xs.map((x) => x[k]));
  const result = {
    realCaseGunzipCpuMs: round(med(gunzipMs, 'cpu')),
    realCaseReadNiftiCpuMs: round(med(readMs, 'cpu')),
    readNiftiOverGunzipRatio: round(med(readMs, 'cpu') / med(gunzipMs, 'cpu'), 3),
    parsingOverheadPercent: round((med(readMs, 'cpu') / med(gunzipMs, 'cpu') - 1) * 100, 1),
    realCaseGunzipWallMs: round(med(gunzipMs, 'wall')),
    realCaseReadNiftiWallMs: round(med(readMs, 'wall')),
    readNiftiOverGunzipWallRatio: round(med(readMs, 'wall') / med(gunzipMs, 'wall'), 3),
    syntheticCaseCpuSeconds: round(med(caseMs, 'cpu') / 1000, 2),
    syntheticCaseWallSeconds: round(med(caseMs, 'wall') / 1000, 2),
    runs: RUNS,
  };
  console.log(
    `real 4-modality case (CPU ms, median of ${RUNS}): gunzip ${result.realCaseGunzipCpuMs}, readNifti ${result.realCaseReadNiftiCpuMs}, ratio ${result.readNiftiOverGunzipRatio} (target < 1.2; wall ratio ${result.readNiftiOverGunzipWallRatio})`,
  );
  console.log(
    `synthetic 240x240x155 case (generate + gzip, 4 modalities + seg): ${result.syntheticCaseCpuSeconds} s CPU, ${result.syntheticCaseWallSeconds} s wall (target < 2 s)`,
  );
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  writeFileSync(path.join(__dirname, 'results', 'imaging.json'), JSON.stringify(result, null, 2) + '\n');
  if (checksum === 0) throw new Error('nothing was read');
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
main();
