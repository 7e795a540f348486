/**
 * Parity of each import path with its native framework: the test model of each format is imported, then the
 * TypeScript pipeline (lib/server/inference loadModel + segment) and the framework itself segment the two real cases
 * and synthetic ones; the figure is the share of voxels with the same label. Writes bench/results/model-import.json:
 * agreement.<format>.<case> (target >= 0.999), and per case the differing voxels, WT Dice where a label exists and
 * the TypeScript time.
 *
 *   npx tsx --conditions=react-server bench/model-import.ts [--format monai]   (default: every format)
 *
 * A format is one entry of FORMATS: build or reuse its cached test model, import it, run both sides.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { releaseModels } from '@/lib/server/inference';
import { REPO_ROOT } from '../tests/inference/model-fixture';
import { compareWithMonai, importMonai, monaiMasks, monaiTestBundle, realCases, syntheticCases } from '../tests/model-import/monai-fixture';
import { nnunetParity } from '../tests/model-import/nnunet-fixture';

interface CaseFigures {
  agreement: number;
  differing: number;
  voxels: number;
  wtDice: number | null;
  tsMs: number;
}

interface Format {
  /** the key in agreement.<format>.<case> */
  name: string;
  /** imports the format's test model into `dir` and compares the TypeScript pipeline with the framework, by case */
  run(dir: string): Promise<{ cases: Map<string, CaseFigures>; model: Record<string, unknown> }>;
}

const FORMATS: Format[] = [
  {
    name: 'monai',
    async run(dir) {
      const bundle = await monaiTestBundle();
      const model = path.join(dir, 'monai-model');
      await importMonai(bundle.bundle, model);
      const cases = [...realCases(), ...(await syntheticCases(bundle, dir))];
      const reference = await monaiMasks(bundle.bundle, cases, dir);
      return { cases: await compareWithMonai(model, cases, reference), model: { bundle: bundle.bundle, ...bundle.report } };
    },
  },
  // nnU-Net: single fold on the real cases and a domain-A case, the two-fold mirrored ensemble on a small one
  { name: 'nnunet', run: nnunetParity },
];

async function main() {
  const { values } = parseArgs({ options: { format: { type: 'string' } } });
  const chosen = values.format ? FORMATS.filter((f) => f.name === values.format) : FORMATS;
  if (!chosen.length) throw new Error(`--format must be one of ${FORMATS.map((f) => f.name).join(', ')}`);
  const file = path.join(REPO_ROOT, 'bench/results/model-import.json');
  // a flat object, one key per figure (bench/README convention); figures of formats not run this time are kept
  const result: Record<string, number | string | null> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  for (const format of chosen) {
    const dir = await mkdtemp(path.join(os.tmpdir(), `bench-model-import-${format.name}-`));
    const t0 = performance.now();
    try {
      const { cases } = await format.run(dir);
      for (const [c, r] of cases) {
        result[`agreement.${format.name}.${c}`] = r.agreement;
        result[`differingVoxels.${format.name}.${c}`] = r.differing;
        result[`voxels.${format.name}.${c}`] = r.voxels;
        result[`wtDice.${format.name}.${c}`] = r.wtDice;
        result[`tsMs.${format.name}.${c}`] = Math.round(r.tsMs);
      }
      result[`seconds.${format.name}`] = Math.round((performance.now() - t0) / 1000);
      result[`measuredAt.${format.name}`] = new Date().toISOString();
      for (const [c, r] of cases)
        console.log(
          `${format.name} ${c}: ${(r.agreement * 100).toFixed(4)}% agree (${r.differing} of ${r.voxels} differ)` +
            `${r.wtDice === null ? '' : `, WT Dice ${r.wtDice.toFixed(3)}`}, TS ${r.tsMs.toFixed(0)} ms`,
        );
    } finally {
      await releaseModels();
      await rm(dir, { recursive: true, force: true });
    }
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
