import { childEnv } from '@/lib/server/env';
import { dice } from '@/lib/metrics/overlap';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateCohort } from '@/lib/server/imaging/cohort';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { loadModel, segment } from '@/lib/server/inference';
import { PYTHON, REAL_CASES, realCaseImages, REPO_ROOT, TRAINING_SRC } from '../inference/model-fixture';

/**
 * The MONAI bundle test model and the comparison of the TypeScript pipeline with MONAI itself, shared by
 * monai-parity.test.ts and bench/model-import.ts. The bundle (the model zoo's brats_mri_segmentation configs, shrunk
 * for CI in a copy of inference.json, with weights trained here) is built by tumorwatch_train.importers.monai_testbundle
 * from a small synthetic domain-A cohort and cached under data/test-models/monai-bundle-<digest of its inputs>.
 */

const run = promisify(execFile);
/** 5 mm voxels: a step on two whole 48x48x32 volumes costs about 0.5 s of CPU (measured with one thread) */
const COHORT = {
  domain: 'A',
  n: 20,
  seed: '28',
  grid: { dims: [48, 48, 32] as [number, number, number], spacing: [5, 5, 5] as [number, number, number] },
};
// 160 steps gave held-out WT Dice 0.716 (too few for the >= 0.8 the test demands); 400 is not yet measured
const STEPS = 400;
const ZOO_CONFIGS = path.resolve(REPO_ROOT, '../shared/data/models/monai-brats_mri_segmentation/configs');

async function python(args: string[], timeoutMs = 900_000): Promise<Record<string, unknown>[]> {
  const { stdout } = await run(PYTHON, args, {
    cwd: REPO_ROOT,
    env: childEnv({ PYTHONPATH: TRAINING_SRC, OMP_NUM_THREADS: '2' }),
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  }).catch((e: { stderr?: string; stdout?: string; message: string }) => {
    throw new Error(`${args.slice(0, 2).join(' ')} failed: ${(e.stdout ?? '').slice(-1000)}${(e.stderr ?? '').slice(-3000) || e.message}`);
  });
  // MONAI's SaveImaged logs "writing: ..." on stdout: only the JSON lines are ours
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function digest(): string {
  const h = createHash('sha256');
  h.update(readFileSync(path.join(TRAINING_SRC, 'tumorwatch_train/importers/monai_testbundle.py')));
  for (const f of ['metadata.json', 'inference.json', 'train.json']) h.update(readFileSync(path.join(ZOO_CONFIGS, f)));
  const pins = readFileSync(path.join(REPO_ROOT, 'training/requirements.txt'), 'utf8');
  h.update(
    pins
      .split('\n')
      .filter((l) => /^(torch|monai)=/.test(l))
      .join('\n'),
  );
  h.update(JSON.stringify({ COHORT, STEPS }));
  return h.digest('hex').slice(0, 16);
}

export interface MonaiTestBundle {
  bundle: string;
  /** the training cohort; its last four cases were held out (report.heldOut) */
  cohort: string;
  report: { steps: number; trainSeconds: number; heldOut: string[]; dice: { TC: number; WT: number; ET: number } };
}

/** The cached bundle, built when missing (cohort + training: about 200 s of CPU for 400 steps, not yet timed on a quiet machine). */
export async function monaiTestBundle(): Promise<MonaiTestBundle> {
  const root = path.join(REPO_ROOT, 'data/test-models', `monai-bundle-${digest()}`);
  const done = (r: string) => ({
    bundle: path.join(r, 'bundle'),
    cohort: path.join(r, 'cohort'),
    report: JSON.parse(readFileSync(path.join(r, 'bundle/models/train-report.json'), 'utf8')) as MonaiTestBundle['report'],
  });
  if (existsSync(path.join(root, 'bundle/models/train-report.json'))) return done(root);
  // built beside the cache and renamed into place, so a concurrent reader never sees half a bundle
  const work = `${root}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await generateCohort({ ...COHORT, out: path.join(work, 'cohort') });
  const args = ['-m', 'tumorwatch_train.importers.monai_testbundle', '--cohort', path.join(work, 'cohort')];
  await python([...args, '--out', path.join(work, 'bundle'), '--steps', String(STEPS)]);
  if (existsSync(root)) await rm(work, { recursive: true, force: true });
  else await rename(work, root);
  return done(root);
}

/** `python -m tumorwatch_train.importers monai-bundle <bundle> --out <out>`: the final event. */
export async function importMonai(source: string, out: string, extra: string[] = []): Promise<Record<string, unknown>> {
  const events = await python(['-m', 'tumorwatch_train.importers', 'monai-bundle', source, '--out', out, ...extra]);
  return events[events.length - 1];
}

export interface ParityCase {
  name: string;
  /** the four images by sequence */
  files: { T1N: string; T1C: string; T2W: string; T2F: string };
  /** ground truth in product labels, for Dice */
  label?: string;
}

export const realCases = (): ParityCase[] =>
  REAL_CASES.map((id) => {
    const [T1N, T1C, T2W, T2F] = realCaseImages(id);
    return { name: id, files: { T1N, T1C, T2W, T2F } };
  });

/** Synthetic cases: the held-out domain-A cases of the training cohort (its grid), and one full-size 1 mm case. */
export async function syntheticCases(bundle: MonaiTestBundle, dir: string): Promise<ParityCase[]> {
  const index = JSON.parse(readFileSync(path.join(bundle.cohort, 'cohort.json'), 'utf8')) as {
    cases: { caseId: string; files: Record<string, string> }[];
  };
  const fromCohort = (root: string, c: { caseId: string; files: Record<string, string> }, name: string): ParityCase => {
    const f = (k: string) => path.join(root, c.files[k]);
    return { name, files: { T1N: f('T1N'), T1C: f('T1C'), T2W: f('T2W'), T2F: f('T2F') }, label: f('SEG') };
  };
  const held = index.cases.filter((c) => bundle.report.heldOut.includes(c.caseId)).slice(0, 2);
  const full = await generateCohort({ domain: 'A', n: 1, seed: '29', out: path.join(dir, 'synthetic-1mm') });
  return [
    ...held.map((c, i) => fromCohort(bundle.cohort, c, `synthetic-A-${i + 1}`)),
    fromCohort(path.join(dir, 'synthetic-1mm'), full.cases[0] as { caseId: string; files: Record<string, string> }, 'synthetic-1mm'),
  ];
}

/** MONAI's own masks (bench/monai_native.py: the bundle's transforms, inferer and postprocessing), by case name. */
export async function monaiMasks(bundle: string, cases: ParityCase[], dir: string): Promise<Map<string, Uint8Array>> {
  const order = ['T1C', 'T1N', 'T2W', 'T2F'] as const; // metadata.json channel_def: T1c, T1, T2, FLAIR
  const tasks = cases.map((c) => ({ images: order.map((k) => c.files[k]), out: path.join(dir, `${c.name}-monai.nii.gz`) }));
  const file = path.join(dir, 'monai-tasks.json');
  writeFileSync(file, JSON.stringify(tasks));
  await python([path.join(REPO_ROOT, 'bench/monai_native.py'), bundle, file]);
  const masks = await Promise.all(tasks.map(async (t) => (await readNiftiFile(t.out)).data));
  return new Map(cases.map((c, i) => [c.name, Uint8Array.from(masks[i] as ArrayLike<number>)]));
}

export interface Agreement {
  agreement: number;
  differing: number;
  voxels: number;
  wtDice: number | null;
  tumourVoxels: number;
  tsMs: number;
}

/** BraTS 2020 labels (the bundle's) -> product labels. */
const BRATS2020 = Uint8Array.from({ length: 256 }, (_, v) => ({ 1: 1, 2: 2, 4: 3 })[v] ?? 0);

/** The TypeScript pipeline on each case against MONAI's mask: the share of voxels with the same product label. */
export async function compareWithMonai(
  modelDir: string,
  cases: ParityCase[],
  reference: Map<string, Uint8Array>,
): Promise<Map<string, Agreement>> {
  const model = await loadModel(modelDir);
  const out = new Map<string, Agreement>();
  for (const c of cases) {
    const [T1N, T1C, T2W, T2F] = await Promise.all([c.files.T1N, c.files.T1C, c.files.T2W, c.files.T2F].map((f) => readNiftiFile(f)));
    const t0 = performance.now();
    const got = await segment({ model, volumes: { T1N, T1C, T2W, T2F } });
    const tsMs = performance.now() - t0;
    const want = reference.get(c.name)!;
    if (want.length !== got.mask.length) throw new Error(`${c.name}: MONAI's mask has ${want.length} voxels, ours ${got.mask.length}`);
    let differing = 0;
    let tumourVoxels = 0;
    for (let i = 0; i < want.length; i++) {
      if (BRATS2020[want[i]] !== got.mask[i]) differing++;
      if (got.mask[i]) tumourVoxels++;
    }
    const wtDice = c.label ? dice(got.mask, (await readNiftiFile(c.label)).data) : null;
    out.set(c.name, { agreement: 1 - differing / want.length, differing, voxels: want.length, wtDice, tumourVoxels, tsMs });
  }
  return out;
}
