/**
 * The scenario's figures: printed as a readable summary and written as one flat JSON object (dotted keys, numbers,
 * strings, booleans, nulls) to bench/results/scenario.json, like the benchmarks' results.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Throughput } from './collect';
import type { DeploymentFigures, GateFigures, PromotionOutcome, RejectionOutcome } from './lifecycle';
import { REGIONS, type DriftDetection, type SetComparison } from './measure';

export interface ScenarioResult {
  config: Record<string, string | number | boolean>;
  stages: Record<string, number>;
  totalSeconds: number;
  throughput: Throughput | null;
  drift: DriftDetection | null;
  retrain: {
    triggered: boolean;
    approvedLabels: number;
    train: number;
    holdout: number;
    runStatus: string | null;
    candidate: string | null;
  } | null;
  gate: GateFigures | null;
  shadow: DeploymentFigures | null;
  canary: DeploymentFigures | null;
  promotion: PromotionOutcome | null;
  /** the loop closed: the candidate trained on the triggering cases serves production */
  promotedCandidate: boolean;
  /** set when the gate rejected the candidate: whether the product kept it out of production */
  rejection: RejectionOutcome | null;
  error: string | null;
}

type Flat = Record<string, string | number | boolean | null>;

export function flatten(value: unknown, prefix = '', out: Flat = {}): Flat {
  if (value === null || value === undefined) {
    if (prefix) out[prefix] = null;
  } else if (Array.isArray(value)) {
    out[prefix] = value.join(' | ');
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof value === 'number') {
    out[prefix] = Number.isFinite(value) ? Math.round(value * 1e4) / 1e4 : null;
  } else {
    out[prefix] = value as string | boolean;
  }
  return out;
}

/** The JSON keeps the figures the brief asks for, not the full comparison trees of every evaluation set. */
export function resultJson(r: ScenarioResult): Flat {
  const { gate, ...rest } = r;
  const slim = gate && {
    verdict: gate.verdict,
    failed: gate.failed,
    domainAWorstLower: gate.domainAWorstLower,
    shiftedGain: gate.shiftedGain,
    drifterHoldoutN: gate.drifterHoldout?.n ?? 0,
    triggeringN: gate.triggering?.n ?? 0,
    domainA: gate.domainA,
    shifted: gate.shifted,
  };
  return flatten({ ...rest, gate: slim });
}

export function writeResult(file: string, r: ScenarioResult) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(resultJson(r), null, 2) + '\n');
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(3));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const ci = (x: { estimate: number; lower: number; upper: number }) => `${f3(x.estimate)} [${f3(x.lower)}, ${f3(x.upper)}]`;

function comparisonLines(title: string, c: SetComparison | null): string[] {
  if (!c) return [`  ${title}: no cases`];
  const lines = [`  ${title} (n=${c.n})            candidate              production             difference (paired)`];
  for (const g of REGIONS) {
    for (const m of ['dice', 'lw_dice'] as const) {
      const x = c[g][m];
      lines.push(`    ${g} ${m.padEnd(8)} ${ci(x.candidate).padEnd(22)} ${ci(x.production).padEnd(22)} ${ci(x.difference)}`);
    }
  }
  return lines;
}

export function summary(r: ScenarioResult): string {
  const out: string[] = ['', '=== TumorWatch closed-loop scenario ==='];
  out.push(
    `config: ${Object.entries(r.config)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  if (r.drift) {
    const d = r.drift;
    out.push('', `drift detection on the stream (${d.cases} cases, ${d.shifted} shifted):`);
    out.push(
      `  precision ${f3(d.precision)}  recall ${f3(d.recall)}  (tp ${d.tp}, fp ${d.fp}, fn ${d.fn}, tn ${d.tn}; in-distribution drifter rate ${pct(d.inDistributionDrifterRate)})`,
    );
    out.push(
      `  first alert: ${d.firstAlertCases ?? 'none'} case(s) and ${f3(d.firstAlertSeconds)} s after the first shifted case (${d.falseAlarmsBeforeAlert} false alarm(s) before it)`,
    );
  }
  if (r.throughput) {
    const t = r.throughput;
    out.push(
      `  throughput: ${t.casesPerHour.toFixed(0)} cases/hour through ingestion + inference + drift (median latency ${f3(t.medianLatencyS)} s, inference ${f3(t.medianInferenceS)} s)`,
    );
  }
  if (r.retrain)
    out.push(
      '',
      `retraining: ${r.retrain.approvedLabels} labels approved; ${r.retrain.train} train / ${r.retrain.holdout} drifter hold-out; run ${r.retrain.runStatus}; candidate ${r.retrain.candidate}`,
    );
  if (r.gate) {
    const g = r.gate;
    out.push('', `evaluation gate: ${g.verdict}${g.failed.length ? ` (failed: ${g.failed.join('; ')})` : ''}`);
    out.push(...comparisonLines('shifted-domain cases of the drifter hold-out', g.shifted));
    if ((g.drifterHoldout?.n ?? 0) !== (g.shifted?.n ?? 0))
      out.push(...comparisonLines('whole drifter hold-out (shifted and in-distribution)', g.drifterHoldout));
    if (g.shiftedGain)
      out.push(
        `    mean Dice gain over WT/TC/ET on the shifted cases ${ci(g.shiftedGain)} (n=${g.shiftedGain.n}) -> ${g.shiftedGain.significant ? 'significant' : 'NOT significant'}`,
      );
    out.push(...comparisonLines('domain-A locked hold-out', g.domainA));
    out.push(`    worst lower CI bound of the difference ${f3(g.domainAWorstLower)} (regression margin -0.010)`);
  }
  if (r.shadow)
    out.push(
      '',
      `shadow: ${r.shadow.cases} cases, agreement WT ${f3(r.shadow.agreement.WT)} TC ${f3(r.shadow.agreement.TC)} ET ${f3(r.shadow.agreement.ET)}`,
    );
  if (r.canary)
    out.push(
      `canary: ${r.canary.cases} cases answered, drifter rate ${pct(r.canary.drifterRate)} vs production ${pct(r.canary.productionDrifterRate)}, rollback ${r.canary.rollback}`,
    );
  if (r.promotion) out.push(`promotion: production is now ${r.promotion.productionModel}; evidence ${r.promotion.evidenceHtml}`);
  out.push('', 'wall time per stage (s):', ...Object.entries(r.stages).map(([k, v]) => `  ${k.padEnd(12)} ${v.toFixed(1)}`));
  out.push(`  ${'total'.padEnd(12)} ${r.totalSeconds.toFixed(1)}`);
  if (r.rejection)
    out.push(
      '',
      `rejected candidate: stage ${r.rejection.candidateStage}, ${r.rejection.activeDeployments} active deployment(s); production ${r.rejection.productionModel} -> ${r.rejection.keptOut ? 'kept out of production' : 'NOT KEPT OUT'}`,
    );
  out.push(
    '',
    r.promotedCandidate ? 'LOOP CLOSED: the retrained candidate serves production.' : `LOOP NOT CLOSED${r.error ? `: ${r.error}` : ''}`,
  );
  return out.join('\n');
}
