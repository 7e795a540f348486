/**
 * Drift-detector benchmark. Held-out synthetic cohorts (a seed the model never trained on): domain A as the
 * in-distribution negatives and, with the same case ids (same anatomy), every shift preset of the cohort generator as
 * positives. Each case runs through the real model (lib/server/inference) and the drift checks. Prints per shift the
 * detector's AUROC and TPR at 5% FPR next to a baseline measured in the same run (the Mahalanobis feature check
 * alone), the in-distribution drifter rate, the per-case check time (statistics + checks, excluding inference and
 * decoding) against the inference time, and the verdict on the two real cases.
 *
 *   npx tsx --conditions=react-server bench/drift.ts [--n 8] [--model models/tumorwatch-seg-1.0.0]
 *     [--shifts scanner,motion] [--seed heldout-drift] [--no-real]
 *     [--negatives <cohort dir>] [--positive name=<cohort dir> ...] [--dump cases.json] [--card-extra extras.json]
 *     [--agnostic-cases 8]
 * --agnostic-cases n (0: off) also measures the model-agnostic checks (bench/drift-agnostic.ts): a hospital reference
 * calibrated on n further unlabelled domain-A cases, the flip augmentation per case (one more inference each), and
 * AUROCs against that reference only (keys tta.auroc.<shift>, output.auroc.<shift>, agnostic.auroc.<shift>).
 * --card-extra merges optional card statistics (bench/drift_card_extras.py) into the card: a what-if for fields the
 * trainer does not write yet.
 * Generated cohorts are only in distribution when the model was trained on cases from the same generator code; with
 * --negatives/--positive the bench reads cohorts written by scripts/cohort.ts instead (e.g. the trainer's own held-out
 * cohort), and --shifts '' skips the generated shifts.
 * Writes bench/results/drift.json (flat).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadModel } from '@/lib/server/inference';
import { PRESETS } from '@/lib/server/imaging/cohort/presets';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { parseDriftSettings } from '@/lib/server/drift/settings';
import { auroc, quantiles, tprAtFpr } from '@/lib/stats';
import { agnosticOutcome, agnosticResults, hospitalReference, type AgnosticOutcome } from './drift-agnostic';
import { cohortCases, mahalanobisScore, realCase, runCase, syntheticCase, type CaseInput, type CaseOutcome } from './drift-cases';

const REAL_DIR = path.resolve(__dirname, '../../shared/data/real');
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function args() {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '8' },
      model: { type: 'string', default: 'models/tumorwatch-seg-1.0.0' },
      shifts: { type: 'string', default: PRESETS.map((p) => p.name).join(',') },
      seed: { type: 'string', default: 'heldout-drift' },
      settings: { type: 'string', default: '{}' },
      'no-real': { type: 'boolean', default: false },
      negatives: { type: 'string' },
      positive: { type: 'string', multiple: true, default: [] },
      dump: { type: 'string' },
      'card-extra': { type: 'string' },
      'agnostic-cases': { type: 'string', default: '8' },
    },
  });
  const positives = values.positive.map((p) => {
    const [name, dir] = p.split('=');
    if (!name || !dir) throw new Error(`--positive needs name=<cohort dir>, got "${p}"`);
    return { name, dir };
  });
  return {
    ...values,
    n: Number(values.n),
    agnosticCases: Number(values['agnostic-cases']),
    shifts: values.shifts.split(',').filter(Boolean),
    positives,
  };
}

/** The grid most training cases had, so domain A is in distribution for geometry too. */
function trainingGrid(card: { reference: { imageMetadata: { dims: { value: number[] }[]; spacingMm: { value: number[] }[] } } }) {
  const m = card.reference.imageMetadata;
  return { dims: m.dims[0].value as [number, number, number], spacing: m.spacingMm[0].value as [number, number, number] };
}

function deepMerge(target: Record<string, unknown>, extra: Record<string, unknown>) {
  for (const [k, v] of Object.entries(extra)) {
    const t = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && t && typeof t === 'object' && !Array.isArray(t))
      deepMerge(t as Record<string, unknown>, v as Record<string, unknown>);
    else target[k] = v;
  }
}

function log(msg: string) {
  process.stderr.write(`${msg}\n`);
}

async function main() {
  const opt = args();
  if (!existsSync(path.join(opt.model, 'model-card.json')))
    throw new Error(`${opt.model}/model-card.json not found: train or copy the model first (--model <dir>)`);
  const cardJson = JSON.parse(readFileSync(path.join(opt.model, 'model-card.json'), 'utf8'));
  if (opt['card-extra']) deepMerge(cardJson, JSON.parse(readFileSync(opt['card-extra'], 'utf8')));
  const model = await loadModel(opt.model);
  const ref = driftReferenceFromCard(cardJson);
  const settings = parseDriftSettings(JSON.parse(opt.settings));
  const grid = trainingGrid(cardJson);
  log(
    `model ${ref.model.name} ${ref.model.version}; grid ${grid.dims.join('x')} @ ${grid.spacing.join('x')} mm; ${opt.n} cases per domain`,
  );

  const agnostic =
    opt.agnosticCases > 0 ? await hospitalReference(model, cardJson, { seed: opt.seed, n: opt.agnosticCases, grid }, settings) : null;
  const agnosticByDomain = new Map<string, AgnosticOutcome[]>();
  const outcomes = new Map<string, CaseOutcome[]>();
  const sources: { domain: string; cases: () => AsyncIterable<CaseInput> }[] = [
    { domain: 'in-distribution', cases: () => (opt.negatives ? cohortCases(opt.negatives, opt.n) : generated([])) },
    ...opt.shifts.map((s) => ({ domain: s, cases: () => generated([s]) })),
    ...opt.positives.map((p) => ({ domain: p.name, cases: () => cohortCases(p.dir, opt.n) })),
  ];
  async function* generated(shifts: string[]) {
    for (let i = 0; i < opt.n; i++) yield syntheticCase(opt.seed, i, shifts, grid);
  }
  for (const { domain, cases } of sources) {
    const list: CaseOutcome[] = [];
    for await (const c of cases()) {
      const o = await runCase(c, model, ref, settings);
      list.push(o);
      if (agnostic)
        agnosticByDomain.set(domain, [
          ...(agnosticByDomain.get(domain) ?? []),
          await agnosticOutcome(c, model, o.mask, o.stats, agnostic, settings),
        ]);
      log(
        `[${domain} ${list.length}] score ${o.verdict.score.toFixed(2)}${o.verdict.isDrifter ? ' DRIFTER' : ''} | ${o.verdict.reasons.slice(0, 2).join('; ')}`,
      );
    }
    outcomes.set(domain, list);
  }

  const neg = outcomes.get('in-distribution')!;
  const result: Record<string, number | string | boolean> = {
    model: `${ref.model.name} ${ref.model.version}`,
    casesPerDomain: opt.n,
    negatives: opt.negatives ? `cohort ${opt.negatives}` : `generated seed ${opt.seed}`,
    cardExtra: opt['card-extra'] ?? 'none',
  };
  result.inDistributionDrifterRate = round(neg.filter((o) => o.verdict.isDrifter).length / neg.length);
  console.log(`\n${'shift'.padEnd(18)} AUROC  TPR@5%FPR  drifters | baseline (features only): AUROC  TPR@5%FPR`);
  for (const shift of sources.slice(1).map((s) => s.domain)) {
    const pos = outcomes.get(shift)!;
    const a = auroc(
      pos.map((o) => o.verdict.score),
      neg.map((o) => o.verdict.score),
    );
    const t = tprAtFpr(
      pos.map((o) => o.verdict.score),
      neg.map((o) => o.verdict.score),
      0.05,
    ).tpr;
    const ba = auroc(pos.map(mahalanobisScore), neg.map(mahalanobisScore));
    const bt = tprAtFpr(pos.map(mahalanobisScore), neg.map(mahalanobisScore), 0.05).tpr;
    const rate = pos.filter((o) => o.verdict.isDrifter).length / pos.length;
    Object.assign(result, {
      [`auroc.${shift}`]: round(a),
      [`tprAt5Fpr.${shift}`]: round(t),
      [`drifterRate.${shift}`]: round(rate),
      [`baselineAuroc.${shift}`]: round(ba),
      [`baselineTprAt5Fpr.${shift}`]: round(bt),
    });
    // no ratio where the baseline cannot score (no prediction, e.g. a missing sequence)
    if (ba > 0) result[`aurocOverBaseline.${shift}`] = round(a / ba);
    console.log(
      `${shift.padEnd(18)} ${a.toFixed(3)}  ${t.toFixed(3)}      ${(rate * 100).toFixed(0).padStart(3)}%     |                           ${ba.toFixed(3)}  ${bt.toFixed(3)}`,
    );
  }
  console.log(
    `in-distribution drifter rate (false alarms at the configured thresholds): ${(Number(result.inDistributionDrifterRate) * 100).toFixed(1)}%`,
  );

  if (agnostic) {
    const positives = new Map([...agnosticByDomain].filter(([d]) => d !== 'in-distribution'));
    Object.assign(result, agnosticResults(agnosticByDomain.get('in-distribution')!, positives, agnostic));
  }

  const all = [...outcomes.values()].flat();
  const checkMs = all.map((o) => o.checkMs);
  const inferenceMs = all.map((o) => o.inferenceMs).filter((v): v is number => v != null);
  const [p50, p95, max] = quantiles(checkMs, [0.5, 0.95, 1]);
  const cpuMs = all.map((o) => o.checkCpuMs);
  const [cpu95, cpuMax] = quantiles(cpuMs, [0.95, 1]);
  Object.assign(result, {
    checkMsMean: round(mean(checkMs), 1),
    checkMsP50: round(p50, 1),
    checkMsP95: round(p95, 1),
    checkMsMax: round(max, 1),
    // CPU time: what the checks cost without the other processes on a shared machine (wall time includes waiting)
    checkCpuMsMean: round(mean(cpuMs), 1),
    checkCpuMsP95: round(cpu95, 1),
    checkCpuMsMax: round(cpuMax, 1),
    inferenceMsMean: round(mean(inferenceMs), 0),
    checkOverInferenceRatio: round(mean(checkMs) / mean(inferenceMs), 4),
  });
  console.log(
    `per-case check time (excl. inference): wall mean ${result.checkMsMean} ms, p95 ${result.checkMsP95} ms, max ${result.checkMsMax} ms; CPU mean ${result.checkCpuMsMean} ms, p95 ${result.checkCpuMsP95} ms; inference mean ${result.inferenceMsMean} ms (ratio ${result.checkOverInferenceRatio})`,
  );

  if (!opt['no-real'] && existsSync(REAL_DIR)) {
    for (const id of ['TCGA-DU-7294', 'TCGA-FG-6692']) {
      const o = await runCase(await realCase(REAL_DIR, id), model, ref, settings);
      Object.assign(result, {
        [`real.${id}.isDrifter`]: o.verdict.isDrifter,
        [`real.${id}.score`]: round(o.verdict.score),
        [`real.${id}.reasons`]: o.verdict.reasons.slice(0, 4).join('; '),
        [`real.${id}.checkMs`]: round(o.checkMs, 1),
      });
      console.log(
        `real ${id}: ${o.verdict.isDrifter ? 'DRIFTER' : 'in distribution'} (score ${o.verdict.score.toFixed(2)}, checks ${o.checkMs.toFixed(0)} ms)\n  ${o.verdict.reasons.slice(0, 6).join('\n  ')}`,
      );
    }
  }
  if (opt.dump) {
    const perCase = [...outcomes].flatMap(([domain, list]) =>
      list.map((o) => ({
        domain,
        id: o.id,
        score: o.verdict.score,
        checks: Object.fromEntries(
          o.verdict.checks
            .filter((c) => c.score != null || typeof c.value === 'number')
            .map((c) => [c.kind, { value: c.value, score: c.score }]),
        ),
      })),
    );
    writeFileSync(opt.dump, JSON.stringify(perCase, null, 1));
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/drift.json', JSON.stringify(result, null, 2) + '\n');
  console.log('wrote bench/results/drift.json');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
