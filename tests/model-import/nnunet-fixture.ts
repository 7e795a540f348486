import { childEnv } from '@/lib/server/env';
import { dice } from '@/lib/metrics/overlap';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateCohort } from '@/lib/server/imaging/cohort';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { loadModel, segment } from '@/lib/server/inference';
import type { ModelCard } from '@/lib/schemas/model-card';
import { PYTHON, REAL_CASES, realCaseImages, REPO_ROOT, TRAINING_SRC } from '../inference/model-fixture';

/**
 * The nnU-Net v2 test model and the comparison of the TypeScript pipeline with nnUNetPredictor, shared by
 * nnunet-parity.test.ts and bench/model-import.ts. The trained-model folders are built by
 * tumorwatch_train.importers.nnunet_testmodel from a synthetic domain-A cohort and cached under
 * data/test-models/nnunet-<digest of the builder, its cohort and the nnunetv2 pin>.
 */

const run = promisify(execFile);
const COHORT = { domain: 'A', n: 6, seed: '11' } as const;
const ITERATIONS = 120;

async function python(args: string[], timeoutMs = 900_000): Promise<Record<string, unknown>> {
  const { stdout } = await run(PYTHON, args, {
    cwd: REPO_ROOT,
    env: childEnv({ PYTHONPATH: TRAINING_SRC, OMP_NUM_THREADS: '2' }),
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  }).catch((e: { stderr?: string; stdout?: string; message: string }) => {
    throw new Error(`${args.slice(0, 2).join(' ')} failed: ${(e.stdout ?? '').slice(-1000)}${(e.stderr ?? '').slice(-3000) || e.message}`);
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

function digest(): string {
  const h = createHash('sha256');
  h.update(readFileSync(path.join(TRAINING_SRC, 'tumorwatch_train/importers/nnunet_testmodel.py')));
  const pins = readFileSync(path.join(REPO_ROOT, 'training/requirements.txt'), 'utf8');
  h.update(
    pins
      .split('\n')
      .filter((l) => /^(torch|nnunetv2|dynamic-network)/.test(l))
      .join('\n'),
  );
  h.update(JSON.stringify({ COHORT, ITERATIONS }));
  return h.digest('hex').slice(0, 16);
}

export interface NnunetTestModel {
  /** nnUNetTrainer__nnUNetPlans__3d_fullres: folds 0 and 1, test-time mirroring along axis 0 */
  ensemble: string;
  /** the same fold 0 without test-time mirroring (its checkpoint allows no mirroring axes) */
  single: string;
}

/** The cached trained-model folders, built (about two minutes on two cores) when missing. */
export async function nnunetTestModel(): Promise<NnunetTestModel> {
  const root = path.join(REPO_ROOT, 'data/test-models', `nnunet-${digest()}`);
  const folders = (r: string) => ({
    ensemble: path.join(r, 'work/results/Dataset501_TumorWatch/nnUNetTrainer__nnUNetPlans__3d_fullres'),
    single: path.join(r, 'work/results-single/Dataset501_TumorWatch/nnUNetTrainer__nnUNetPlans__3d_fullres'),
  });
  if (existsSync(path.join(folders(root).single, 'fold_0/checkpoint_final.pth'))) return folders(root);
  // built beside the cache and renamed into place, so a concurrent reader never sees half a model
  const work = `${root}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await generateCohort({ ...COHORT, out: path.join(work, 'cohort') });
  await python([
    '-m',
    'tumorwatch_train.importers.nnunet_testmodel',
    '--cohort',
    path.join(work, 'cohort'),
    '--work',
    path.join(work, 'work'),
    '--iterations',
    String(ITERATIONS),
  ]);
  if (existsSync(root)) await rm(work, { recursive: true, force: true });
  else await rename(work, root);
  return folders(root);
}

/** `python -m tumorwatch_train.importers nnunet <source> --out <out>`: its final JSON event. */
export async function importNnunet(source: string, out: string, extra: string[] = []): Promise<Record<string, unknown>> {
  return python(['-m', 'tumorwatch_train.importers', 'nnunet', source, '--out', out, ...extra]);
}

export interface ParityCase {
  name: string;
  /** the four images in the card's channel order */
  files: string[];
  /** ground truth in product labels, for Dice */
  label?: string;
}

/** Two synthetic cases not in the training cohort: a domain-A adult brain and a smaller (paediatric-shift) one. */
export async function syntheticCases(dir: string): Promise<{ domainA: ParityCase; small: ParityCase }> {
  const make = async (name: string, seed: string, shifts: string[]) => {
    const { cases } = await generateCohort({ domain: 'A', n: 1, seed, out: path.join(dir, name), shifts });
    const f = cases[0].files as Record<string, string>;
    const abs = (p: string) => path.join(dir, name, p);
    return { name, files: ['T1N', 'T1C', 'T2W', 'T2F'].map((k) => abs(f[k])), label: abs(f.SEG) };
  };
  return { domainA: await make('synthetic-A', '12', []), small: await make('synthetic-small', '13', ['paediatric']) };
}

export const realParityCases = (): ParityCase[] => REAL_CASES.map((id) => ({ name: id, files: realCaseImages(id) }));

/** nnUNetPredictor's masks (the model's own labels, file voxel order) for the cases, by name. */
export async function nnunetMasks(model: string, cases: ParityCase[], out: string, folds?: string[]): Promise<Map<string, Uint8Array>> {
  const args = ['-m', 'tumorwatch_train.importers.nnunet_predict', '--model', model, '--out', out];
  if (folds) args.push('--folds', ...folds);
  for (const c of cases) args.push('--case', c.name, ...c.files);
  await python(args);
  return new Map(
    await Promise.all(cases.map(async (c) => [c.name, new Uint8Array(await readFile(path.join(out, `${c.name}.u8`)))] as const)),
  );
}

/** nnU-Net's own label value -> product label, from what the importer recorded (training.imported.labels). */
export function ownToProduct(card: ModelCard): Uint8Array {
  const own = (card.training as { imported?: { labels?: Record<string, string> } }).imported?.labels ?? {};
  // a region paints what is left of it once the inner ones are painted (WT -> ED, TC -> NCR); labels are themselves
  const meaning: Record<string, number> = { WT: 2, TC: 1, ET: 3, NCR: 1, ED: 2, RC: 0 };
  const lut = new Uint8Array(256);
  for (const [value, kind] of Object.entries(own)) lut[Number(value)] = meaning[kind] ?? 0;
  return lut;
}

export interface Agreement {
  agreement: number;
  differing: number;
  voxels: number;
  wtDice: number | null;
  tsMs: number;
}

/** The TypeScript pipeline on each case against nnU-Net's mask: the share of voxels with the same product label. */
export async function compareWithNnunet(
  modelDir: string,
  cases: ParityCase[],
  reference: Map<string, Uint8Array>,
): Promise<Map<string, Agreement>> {
  const model = await loadModel(modelDir);
  const lut = ownToProduct(model.card);
  const out = new Map<string, Agreement>();
  for (const c of cases) {
    const [T1N, T1C, T2W, T2F] = await Promise.all(c.files.map((f) => readNiftiFile(f)));
    const t0 = performance.now();
    const got = await segment({ model, volumes: { T1N, T1C, T2W, T2F } });
    const tsMs = performance.now() - t0;
    const want = reference.get(c.name)!;
    if (want.length !== got.mask.length) throw new Error(`${c.name}: nnU-Net mask has ${want.length} voxels, ours ${got.mask.length}`);
    let differing = 0;
    for (let i = 0; i < want.length; i++) if (lut[want[i]] !== got.mask[i]) differing++;
    const wtDice = c.label ? dice(got.mask, (await readNiftiFile(c.label)).data) : null;
    out.set(c.name, { agreement: 1 - differing / want.length, differing, voxels: want.length, wtDice, tsMs });
  }
  return out;
}

/**
 * Every nnU-Net parity figure (bench/model-import.ts): the single-fold import on both real cases and a domain-A case,
 * the two-fold mirrored ensemble on the small synthetic case (keyed `<case>-ensemble`).
 */
export async function nnunetParity(dir: string): Promise<{ cases: Map<string, Agreement>; model: Record<string, unknown> }> {
  const models = await nnunetTestModel();
  const synthetic = await syntheticCases(path.join(dir, 'cases'));
  const cases = new Map<string, Agreement>();
  const runs = [
    { name: 'single', folder: models.single, list: [...realParityCases(), synthetic.domainA], suffix: '' },
    { name: 'ensemble', folder: models.ensemble, list: [synthetic.small], suffix: '-ensemble' },
  ];
  for (const r of runs) {
    const out = path.join(dir, `nnunet-${r.name}`);
    await importNnunet(r.folder, out);
    const reference = await nnunetMasks(r.folder, r.list, path.join(dir, `ref-${r.name}`));
    for (const [name, a] of await compareWithNnunet(out, r.list, reference)) cases.set(`${name}${r.suffix}`, a);
  }
  return { cases, model: { ...models } };
}
