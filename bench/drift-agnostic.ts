/**
 * The model-agnostic part of bench/drift.ts: a "hospital" reference measured by the calibration code
 * (lib/server/registry/calibration) on unlabelled in-distribution cases that are neither the negatives nor the
 * positives, then per case the flip test-time augmentation and the checks against that reference only (no trainer
 * statistics). Reports per shift the AUROC of the flip disagreement alone (`tta.auroc.<shift>`), of the output
 * family (volumes, components, lesions, ratio, uncertainty, flips, nesting: `output.auroc.<shift>`) and of every
 * check against the calibrated reference (`agnostic.auroc.<shift>`), and what the flips cost per case.
 */
import { auroc } from '@/lib/stats';
import type { LoadedModel } from '@/lib/server/inference';
import type { CaseVolumes } from '@/lib/server/inference/preprocess';
import { defaultFlips, flipStats, type Axis } from '@/lib/server/drift/agnostic/flip';
import { evaluateCase, type DriftVerdict } from '@/lib/server/drift/checks';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import type { DriftSettings } from '@/lib/server/drift/settings';
import type { CaseStats, DriftReference } from '@/lib/server/drift/types';
import { buildReference } from '@/lib/server/registry/calibration/reference';
import { measureVolumes } from '@/lib/server/registry/calibration/measure';
import { metaOf, syntheticCase, type CaseInput } from './drift-cases';

export interface AgnosticSetup {
  ref: DriftReference;
  flips: Axis[][];
  cases: number;
  calibrationMs: number;
}

export interface AgnosticOutcome {
  verdict: DriftVerdict;
  /** null when the model could not run (a missing sequence) */
  tta: number | null;
  ttaMs: number;
  ttaCpuMs: number;
}

const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function hospitalReference(
  model: LoadedModel,
  cardJson: unknown,
  opt: { seed: string; n: number; grid: { dims: [number, number, number]; spacing: [number, number, number] } },
  settings: DriftSettings,
): Promise<AgnosticSetup> {
  const t0 = performance.now();
  const flips = (settings.tta.flips as Axis[][] | null) ?? defaultFlips(model.card);
  const measured = [];
  for (let i = 0; i < opt.n; i++) {
    const c = syntheticCase(`${opt.seed}-hospital`, i, [], opt.grid);
    const input = { caseId: c.id, volumes: c.volumes as CaseVolumes, meta: metaOf(c), truthMask: null };
    measured.push(await measureVolumes(model, input, { flips, minLesionMl: settings.minLesionMl }));
  }
  const reference = buildReference(measured, {
    featureDim: model.card.output.featureDim,
    flips,
    minLesionMl: settings.minLesionMl,
    description: `${opt.n} unlabelled generated domain-A cases (bench)`,
  });
  return { ref: driftReferenceFromCard(cardJson, reference), flips, cases: opt.n, calibrationMs: performance.now() - t0 };
}

/** The case's flips and its verdict against the hospital reference; `stats` are the case's trainer-bench statistics. */
export async function agnosticOutcome(
  c: CaseInput,
  model: LoadedModel,
  mask: Uint8Array | null,
  stats: CaseStats,
  setup: AgnosticSetup,
  settings: DriftSettings,
): Promise<AgnosticOutcome> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let output = stats.output;
  let tta: number | null = null;
  if (output && mask) {
    const s = await flipStats(model, c.volumes as CaseVolumes, mask, setup.flips);
    tta = s.disagreement;
    output = { ...output, tta: { disagreement: s.disagreement, flips: s.flips }, nesting: s.nesting };
  }
  const ttaMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { verdict: evaluateCase({ ...stats, output }, setup.ref, settings), tta, ttaMs, ttaCpuMs: (cpu.user + cpu.system) / 1000 };
}

const outputScore = (v: DriftVerdict) =>
  Math.max(0, ...v.checks.filter((c) => c.family === 'output' && !c.advisory).map((c) => c.score ?? 0));

/** Per shift: AUROC of the flips alone, of the output family and of every check, against the in-distribution cases. */
export function agnosticResults(neg: AgnosticOutcome[], byShift: Map<string, AgnosticOutcome[]>, setup: AgnosticSetup) {
  const result: Record<string, number | string> = {
    'agnostic.referenceCases': setup.cases,
    'agnostic.flips': setup.flips.map((f) => f.map((a) => 'XYZ'[a]).join('')).join(','),
    'agnostic.inDistributionDrifterRate': round(neg.filter((o) => o.verdict.isDrifter).length / neg.length),
  };
  const ttaOf = (o: AgnosticOutcome) => o.tta ?? 0;
  console.log(`\n${'shift'.padEnd(18)} flips AUROC  output AUROC  all-agnostic AUROC`);
  for (const [shift, pos] of byShift) {
    const t = auroc(pos.map(ttaOf), neg.map(ttaOf));
    const o = auroc(
      pos.map((x) => outputScore(x.verdict)),
      neg.map((x) => outputScore(x.verdict)),
    );
    const a = auroc(
      pos.map((x) => x.verdict.score),
      neg.map((x) => x.verdict.score),
    );
    Object.assign(result, { [`tta.auroc.${shift}`]: round(t), [`output.auroc.${shift}`]: round(o), [`agnostic.auroc.${shift}`]: round(a) });
    console.log(`${shift.padEnd(18)} ${t.toFixed(3)}        ${o.toFixed(3)}         ${a.toFixed(3)}`);
  }
  const ran = [...byShift.values(), neg].flat().filter((x) => x.tta != null);
  Object.assign(result, {
    'tta.msMean': round(mean(ran.map((x) => x.ttaMs)), 0),
    'tta.cpuMsMean': round(mean(ran.map((x) => x.ttaCpuMs)), 0),
    'tta.inDistributionMean': round(mean(neg.map(ttaOf)), 4),
    'agnostic.calibrationMs': round(setup.calibrationMs, 0),
  });
  console.log(
    `flip augmentation (${result['agnostic.flips']}): wall ${result['tta.msMean']} ms, CPU ${result['tta.cpuMsMean']} ms per case; in-distribution disagreement mean ${result['tta.inDistributionMean']}; hospital reference of ${setup.cases} cases took ${result['agnostic.calibrationMs']} ms`,
  );
  return result;
}
