/**
 * Quality report of a model, measured with the app's own inference pipeline (lib/server/inference) and metrics
 * (lib/metrics, BraTS 2023 lesion-wise semantics): a held-out synthetic domain-A set (a seed the model never trained
 * on), shifted domains from the cohort generator, and the two real cases of ../shared (fusion-mav as reference).
 *
 *   npm run model:quality -- [--model models/tumorwatch-seg-1.0.0] [--n 24] [--n-shifted 16] [--seed 2]
 *     [--shifts scanner,thick-slices,motion,scanner+motion] [--no-real]   (a+b: presets composed, as the scenario's shift) [--write-card] [--out bench/results/model-quality.json]
 *
 * Prints a table; writes the figures flat to --out; with --write-card also stores them in the card's
 * metrics.quality (the card is the model's record: what it was measured to do, where).
 * Quality bar for a production model (issue #5): domain-A mean Dice WT >= 0.85, TC >= 0.75, ET >= 0.70.
 */
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateCase, summarizeCase } from '@/lib/metrics';
import { loadModel, releaseModels, segment, type LoadedModel } from '@/lib/server/inference';
import { columnNorms } from '@/lib/server/imaging/affine';
import { caseIdFor } from '@/lib/server/imaging/cohort';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { parseModelCard, type QualitySet } from '@/lib/schemas/model-card';
import { MODALITIES } from '@/lib/server/drift/types';
import { realCase } from '../bench/drift-cases';

const REAL_DIR = path.resolve(__dirname, '../../shared/data/real');
const REAL_CASES = ['TCGA-DU-7294', 'TCGA-FG-6692'];
const REGIONS = ['WT', 'TC', 'ET'] as const;
const METRICS = ['dice', 'lw_dice', 'lesion_f1'] as const;
export const QUALITY_BAR = { WT: 0.85, TC: 0.75, ET: 0.7 } as const;
const round = (v: number) => Math.round(v * 1000) / 1000;

type CaseScores = Record<(typeof REGIONS)[number], Record<(typeof METRICS)[number], number>>;
interface CaseForScoring {
  id: string;
  volumes: Parameters<typeof segment>[0]['volumes'];
  ref: Uint8Array;
  dims: [number, number, number];
  spacing: [number, number, number];
}

function args() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/tumorwatch-seg-1.0.0' },
      n: { type: 'string', default: '24' },
      'n-shifted': { type: 'string', default: '16' },
      seed: { type: 'string', default: '2' },
      shifts: { type: 'string', default: 'scanner,thick-slices,motion,scanner+motion' },
      'no-real': { type: 'boolean', default: false },
      'write-card': { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results/model-quality.json' },
    },
  });
  return { ...values, n: Number(values.n), nShifted: Number(values['n-shifted']), shifts: values.shifts.split(',').filter(Boolean) };
}

function* syntheticCases(domain: string, seed: string, n: number, shifts: string[]): Generator<CaseForScoring> {
  for (let i = 0; i < n; i++) {
    const gen = generateCase({ caseId: caseIdFor(domain, seed, i), seed, domain, shifts });
    const volumes: CaseForScoring['volumes'] = {};
    for (const m of MODALITIES) {
      const data = gen.images[m];
      if (data) volumes[m] = { dims: gen.dims, affine: gen.affine, data, affineSource: 'sform' };
    }
    yield { id: gen.spec.caseId, volumes, ref: gen.seg, dims: gen.dims, spacing: gen.spacing };
  }
}

async function realForScoring(id: string): Promise<CaseForScoring> {
  const c = await realCase(REAL_DIR, id);
  const mask = await readNiftiFile(path.join(REAL_DIR, id, 'masks', 'fusion-mav.nii.gz'));
  const ref = Uint8Array.from(mask.data as ArrayLike<number>, (v) => (v === 4 ? 3 : v)); // BraTS 2020 ET 4 -> 3
  const t1 = c.volumes.T1N!;
  return { id, volumes: c.volumes, ref, dims: t1.dims, spacing: columnNorms(t1.affine) };
}

async function score(model: LoadedModel, c: CaseForScoring): Promise<CaseScores> {
  const r = await segment({ model, volumes: c.volumes });
  const s = summarizeCase(evaluateCase({ pred: r.mask, ref: c.ref, dims: c.dims, spacing: c.spacing }));
  return Object.fromEntries(REGIONS.map((g) => [g, Object.fromEntries(METRICS.map((m) => [m, s[g][m]]))])) as CaseScores;
}

function meanScores(rows: CaseScores[]): CaseScores {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return Object.fromEntries(
    REGIONS.map((g) => [g, Object.fromEntries(METRICS.map((m) => [m, round(mean(rows.map((r) => r[g][m])))]))]),
  ) as CaseScores;
}

async function main() {
  const o = args();
  const cardFile = path.join(o.model, 'model-card.json');
  const model = await loadModel(o.model);
  const sets: { key: string; description: string; cases: () => AsyncIterable<CaseForScoring> | Iterable<CaseForScoring> }[] = [
    {
      key: 'domainA',
      description: `synthetic domain A, held out (cohort --domain A --seed ${o.seed} --n ${o.n})`,
      cases: () => syntheticCases('A', o.seed, o.n, []),
    },
    ...o.shifts.map((s, i) => ({
      key: `shift:${s}`,
      description: `synthetic shifted domain (cohort --domain S${i} --seed ${o.seed} --n ${o.nShifted} --shift ${s.replace('+', ',')})`,
      cases: () => syntheticCases(`S${i}`, o.seed, o.nShifted, s.split('+')),
    })),
    ...(o['no-real']
      ? []
      : [
          {
            key: 'real',
            description: 'real TCGA cases of ../shared/data/real, reference fusion-mav (4 -> 3)',
            cases: async function* () {
              for (const id of REAL_CASES) yield await realForScoring(id);
            },
          },
        ]),
  ];
  const quality: Record<string, QualitySet> = {};
  const flat: Record<string, number | string | boolean> = { model: `${model.card.name} ${model.card.version}` };
  for (const set of sets) {
    const rows: CaseScores[] = [];
    for await (const c of set.cases()) {
      rows.push(await score(model, c));
      const d = rows.at(-1)!;
      process.stderr.write(
        `[${set.key} ${rows.length}] ${c.id}: Dice WT ${d.WT.dice.toFixed(3)} TC ${d.TC.dice.toFixed(3)} ET ${d.ET.dice.toFixed(3)}\n`,
      );
    }
    const m = meanScores(rows);
    quality[set.key] = { n: rows.length, description: set.description, ...m };
    flat[`${set.key}.n`] = rows.length;
    for (const g of REGIONS) for (const k of METRICS) flat[`${set.key}.${g}.${k}`] = m[g][k];
  }
  const a = quality.domainA;
  flat.meetsQualityBar = REGIONS.every((g) => a[g].dice >= QUALITY_BAR[g]);
  for (const key of Object.keys(quality).filter((k) => k !== 'domainA'))
    for (const g of REGIONS) flat[`${key}.${g}.diceOverDomainA`] = round(quality[key][g].dice / a[g].dice);

  console.log(`\n${model.card.name} ${model.card.version}: mean per case (Dice | lesion-wise Dice | lesion F1)`);
  console.log(`${'set'.padEnd(20)} ${'n'.padStart(3)}  ${REGIONS.map((g) => g.padEnd(20)).join(' ')}`);
  for (const [key, q] of Object.entries(quality))
    console.log(
      `${key.padEnd(20)} ${String(q.n).padStart(3)}  ${REGIONS.map((g) => `${q[g].dice.toFixed(3)} ${q[g].lw_dice.toFixed(3)} ${q[g].lesion_f1.toFixed(3)}`.padEnd(20)).join(' ')}`,
    );
  console.log(
    `quality bar on domain A (WT >= ${QUALITY_BAR.WT}, TC >= ${QUALITY_BAR.TC}, ET >= ${QUALITY_BAR.ET}): ${flat.meetsQualityBar ? 'met' : 'NOT met'}`,
  );

  mkdirSync(path.dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(flat, null, 2)}\n`);
  if (o['write-card']) {
    const card = JSON.parse(readFileSync(cardFile, 'utf8'));
    card.metrics.quality = quality;
    parseModelCard(card); // never write a card the app would refuse
    writeFileSync(`${cardFile}.tmp`, `${JSON.stringify(card, null, 1)}\n`);
    renameSync(`${cardFile}.tmp`, cardFile);
    console.log(`quality figures stored in ${cardFile} (metrics.quality)`);
  }
  await releaseModels();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
