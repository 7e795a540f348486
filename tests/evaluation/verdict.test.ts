import { describe, expect, it } from 'vitest';
import { criteriaConfigSchema, DEFAULT_CRITERIA, type CriteriaConfig } from '@/lib/schemas/criteria';
import { aggregateEvaluation } from '@/lib/server/evaluation/aggregate';
import { judge } from '@/lib/server/evaluation/verdict';
import type { CriterionResult, EvalSetRef, PerCaseRecord } from '@/lib/server/evaluation/types';
import { all, DRIFTER, EXTERNAL, figures, INTERNAL, pairedSet, PROBLEMATIC, record } from './records';

const clone = (): CriteriaConfig => structuredClone(DEFAULT_CRITERIA);

function gate(
  records: PerCaseRecord[],
  opts: { config?: CriteriaConfig; sets?: EvalSetRef[]; hasBaseline?: boolean; leaked?: string[] | null } = {},
) {
  const config = opts.config ?? DEFAULT_CRITERIA;
  const agg = aggregateEvaluation(opts.sets ?? [INTERNAL, EXTERNAL, DRIFTER, PROBLEMATIC], records, config);
  const leakage = opts.leaked === null ? { checked: false, leaked: [] } : { checked: true, leaked: opts.leaked ?? [] };
  return { agg, ...judge(config, { sets: agg.sets, records, hasBaseline: opts.hasBaseline ?? true, leakage }) };
}

const byId = (results: CriterionResult[], id: string) => {
  const r = results.find((x) => x.id === id);
  if (!r) throw new Error(`no criterion ${id}: ${results.map((x) => x.id).join(', ')}`);
  return r;
};

/** A candidate a little better everywhere, on both locked hold-outs, the drifters and the problematic cases. */
const good = () => [
  ...pairedSet('internal', 12, 0.85, () => 0.02),
  ...pairedSet('external', 8, 0.84, () => 0.01),
  ...pairedSet('drifter', 6, 0.7, () => 0.05),
  ...pairedSet('problematic', 4, 0.75, () => 0.03),
];

describe('acceptance gate (pure)', () => {
  it('passes a candidate that is better everywhere, with every criterion PASS and its figures', () => {
    const { results, verdict, agg } = gate(good());
    expect(verdict).toBe('PASS');
    expect(results.filter((r) => r.status !== 'PASS')).toEqual([]);
    const internal = agg.sets.find((s) => s.key === 'internal')!;
    expect(internal.n).toBe(12);
    // mean of 0.83..0.87 spread (i % 5) over 12 cases, + 0.02
    const expectedBase = Array.from({ length: 12 }, (_, i) => 0.85 + ((i % 5) - 2) * 0.01).reduce((a, b) => a + b) / 12;
    expect(internal.regions!.WT.baseline!.dice.estimate).toBeCloseTo(expectedBase, 12);
    expect(internal.regions!.WT.candidate.dice.estimate).toBeCloseTo(expectedBase + 0.02, 12);
    expect(internal.regions!.WT.difference!.dice.estimate).toBeCloseTo(0.02, 12);
    // a constant paired difference has a degenerate CI at that value
    expect(internal.regions!.WT.difference!.dice.lower).toBeCloseTo(0.02, 12);
    expect(byId(results, 'minimum:internal:ET:dice').value).toBeCloseTo(expectedBase + 0.02, 12);
  });

  it('fails a region below its minimum, naming the rule and the value', () => {
    const recs = pairedSet('internal', 10, 0.85, () => ({ ET: -0.3 }));
    const { results, verdict } = gate(recs, { sets: [INTERNAL] });
    const et = byId(results, 'minimum:internal:ET:dice');
    expect(et.status).toBe('FAIL');
    expect(et.value).toBeCloseTo(0.55, 10);
    expect(et.rule).toContain('>= 0.600');
    expect(byId(results, 'minimum:internal:WT:dice').status).toBe('PASS');
    expect(verdict).toBe('FAIL');
  });

  it('lesion F1 is pooled over the set and compared with its own minimum', () => {
    // WT dice fine, but each case has 1 TP, 2 FP, 1 FN lesions: pooled F1 = 2*10 / (2*10 + 20 + 10) = 0.4 < 0.6
    const recs = Array.from({ length: 10 }, (_, i) =>
      record('internal', `c${i}`, figures(all(0.9), { tp: 1, fp: 2, fn: 1 }), figures(all(0.9))),
    );
    const { results } = gate(recs, { sets: [INTERNAL] });
    const f1 = byId(results, 'minimum:internal:WT:lesion_f1');
    expect(f1.value).toBeCloseTo(0.4, 12);
    expect(f1.status).toBe('FAIL');
  });

  it('non-inferiority: a small loss within the margin passes, a larger one fails on the CI lower bound', () => {
    const small = gate(
      pairedSet('internal', 20, 0.85, (i) => -0.005 + ((i % 2) - 0.5) * 0.002),
      { sets: [INTERNAL] },
    );
    const r1 = byId(small.results, 'regression:internal:WT:dice');
    expect(r1.ci!.lower).toBeGreaterThan(-0.01);
    expect(r1.status).toBe('PASS');
    const big = gate(
      pairedSet('internal', 20, 0.85, (i) => -0.02 + ((i % 3) - 1) * 0.01),
      { sets: [INTERNAL] },
    );
    const r2 = byId(big.results, 'regression:internal:WT:dice');
    expect(r2.value).toBeCloseTo(-0.02 + ((-1 * 7 + 0 * 7 + 1 * 6) * 0.01) / 20, 10);
    expect(r2.ci!.lower).toBeLessThan(-0.01);
    expect(r2.status).toBe('FAIL');
    expect(big.verdict).toBe('FAIL');
  });

  it('a gain on average with a CI lower bound below -margin still fails (one bad case in few)', () => {
    const recs = pairedSet('internal', 5, 0.85, (i) => (i === 0 ? -0.15 : 0.05));
    const r = byId(gate(recs, { sets: [INTERNAL] }).results, 'regression:internal:TC:dice');
    expect(r.value).toBeCloseTo(0.01, 10);
    expect(r.ci!.lower).toBeLessThan(-0.01);
    expect(r.status).toBe('FAIL');
  });

  it('a hold-out set without approved cases is NOT_EVALUATED (non-blocking); the coverage rule counts evaluated sets', () => {
    const recs = pairedSet('internal', 10, 0.85, () => 0.01);
    const one = gate(recs, { sets: [INTERNAL, EXTERNAL] });
    const ext = one.results.filter((r) => r.setKey === 'external');
    expect(ext.length).toBe(3 * 3 + 3 * 2);
    expect(ext.every((r) => r.status === 'NOT_EVALUATED' && !r.blocking)).toBe(true);
    expect(byId(one.results, 'holdouts:evaluated')).toMatchObject({ status: 'PASS', value: 1 });
    expect(one.verdict).toBe('PASS');
    const config = clone();
    config.holdouts.minEvaluatedSets = 2;
    const two = gate(recs, { config, sets: [INTERNAL, EXTERNAL] });
    expect(byId(two.results, 'holdouts:evaluated')).toMatchObject({ status: 'FAIL', value: 1 });
    expect(two.verdict).toBe('FAIL');
    const none = gate([], { sets: [INTERNAL] });
    expect(byId(none.results, 'holdouts:evaluated').status).toBe('FAIL');
  });

  it('drifter hold-out: improvement must exceed the minimum (strictly), optionally with a CI above zero', () => {
    const base = pairedSet('internal', 10, 0.85, () => 0.01);
    const flat = gate([...base, ...pairedSet('drifter', 6, 0.7, () => 0)], { sets: [INTERNAL, DRIFTER] });
    expect(byId(flat.results, 'drifter:drifter')).toMatchObject({ status: 'FAIL', value: 0 });
    const noisy = pairedSet('drifter', 6, 0.7, (i) => (i % 2 === 0 ? 0.2 : -0.15));
    const lenient = gate([...base, ...noisy], { sets: [INTERNAL, DRIFTER] });
    expect(byId(lenient.results, 'drifter:drifter').status).toBe('PASS');
    const config = clone();
    config.drifter.requireCiAboveZero = true;
    const strict = gate([...base, ...noisy], { config, sets: [INTERNAL, DRIFTER] });
    const d = byId(strict.results, 'drifter:drifter');
    expect(d.ci!.lower).toBeLessThanOrEqual(0);
    expect(d.status).toBe('FAIL');
  });

  it('drifter improvement averages only the configured regions', () => {
    const config = clone();
    config.drifter.regions = ['ET'];
    const recs = [...pairedSet('internal', 10, 0.85, () => 0.01), ...pairedSet('drifter', 4, 0.7, () => ({ WT: 0.1, TC: 0.1, ET: -0.01 }))];
    const r = byId(gate(recs, { config, sets: [INTERNAL, DRIFTER] }).results, 'drifter:drifter');
    expect(r.value).toBeCloseTo(-0.01, 12);
    expect(r.status).toBe('FAIL');
  });

  it('an empty or missing drifter hold-out follows its explicit onEmpty rule', () => {
    const recs = pairedSet('internal', 10, 0.85, () => 0.01);
    const pass = gate(recs, { sets: [INTERNAL, DRIFTER] });
    expect(byId(pass.results, 'drifter:drifter')).toMatchObject({ status: 'NOT_EVALUATED', blocking: false });
    expect(byId(pass.results, 'drifter:drifter').detail).toContain('counts as pass');
    expect(pass.verdict).toBe('PASS');
    const config = clone();
    config.drifter.onEmpty = 'fail';
    const fail = gate(recs, { config, sets: [INTERNAL, DRIFTER] });
    expect(byId(fail.results, 'drifter:drifter')).toMatchObject({ status: 'NOT_EVALUATED', blocking: true });
    expect(fail.verdict).toBe('FAIL');
    const missing = gate(recs, { config, sets: [INTERNAL] });
    expect(byId(missing.results, 'drifter:none')).toMatchObject({ status: 'NOT_EVALUATED', blocking: true });
  });

  it('previously problematic cases: any region dropping by more than the limit fails and names the case', () => {
    const base = pairedSet('internal', 10, 0.85, () => 0.01);
    const atLimit = gate([...base, ...pairedSet('problematic', 3, 0.7, (i) => (i === 1 ? { TC: -0.05 } : 0.02))], {
      sets: [INTERNAL, PROBLEMATIC],
    });
    expect(byId(atLimit.results, 'problematic:cases').status).toBe('PASS');
    const over = gate([...base, ...pairedSet('problematic', 3, 0.7, (i) => (i === 1 ? { TC: -0.06 } : 0.02))], {
      sets: [INTERNAL, PROBLEMATIC],
    });
    const p = byId(over.results, 'problematic:cases');
    expect(p.status).toBe('FAIL');
    expect(p.value).toBeCloseTo(0.06, 10);
    expect(p.cases).toEqual(['EXT-problematic-1']);
    expect(over.verdict).toBe('FAIL');
    const config = clone();
    config.problematic.onEmpty = 'fail';
    expect(byId(gate(base, { config, sets: [INTERNAL, PROBLEMATIC] }).results, 'problematic:cases')).toMatchObject({
      status: 'NOT_EVALUATED',
      blocking: true,
    });
  });

  it('without a production model, comparisons are not applicable and only the absolute criteria decide', () => {
    const recs = Array.from({ length: 8 }, (_, i) => record('internal', `c${i}`, figures(all(0.9)), null));
    const { results, verdict, agg } = gate(recs, { sets: [INTERNAL, DRIFTER, PROBLEMATIC], hasBaseline: false });
    expect(agg.sets[0].regions!.WT.difference).toBeNull();
    for (const r of results.filter((x) => x.kind === 'regression')) expect(r).toMatchObject({ status: 'NOT_EVALUATED', blocking: false });
    expect(verdict).toBe('PASS');
  });

  it('hold-out leakage into the training snapshot fails the gate; an unknown snapshot is reported, not blocking', () => {
    expect(byId(gate(good(), { leaked: ['EXT-7'] }).results, 'holdouts:leakage')).toMatchObject({
      status: 'FAIL',
      value: 1,
      cases: ['EXT-7'],
    });
    expect(gate(good(), { leaked: ['EXT-7'] }).verdict).toBe('FAIL');
    expect(byId(gate(good(), { leaked: null }).results, 'holdouts:leakage')).toMatchObject({ status: 'NOT_EVALUATED', blocking: false });
  });

  it('is deterministic (seeded bootstrap) and the CI brackets the estimate', () => {
    const recs = pairedSet('internal', 15, 0.8, (i) => ((i * 7) % 11) / 100 - 0.03);
    const a = gate(recs, { sets: [INTERNAL] });
    const b = gate(recs, { sets: [INTERNAL] });
    expect(a.agg).toEqual(b.agg);
    const d = a.agg.sets[0].regions!.WT.difference!.dice;
    expect(d.lower).toBeLessThan(d.estimate);
    expect(d.upper).toBeGreaterThan(d.estimate);
    const config = clone();
    config.bootstrap.seed = 99;
    const c = gate(recs, { config, sets: [INTERNAL] });
    expect(c.agg.sets[0].regions!.WT.difference!.dice.estimate).toBe(d.estimate);
    expect(c.agg.sets[0].regions!.WT.difference!.dice.lower).not.toBe(d.lower);
  });
});

describe('criteria schema', () => {
  it('accepts the defaults and refuses out-of-range or unknown fields', () => {
    expect(criteriaConfigSchema.parse(DEFAULT_CRITERIA)).toEqual(DEFAULT_CRITERIA);
    const bad = clone() as unknown as Record<string, unknown>;
    expect(criteriaConfigSchema.safeParse({ ...bad, extra: 1 }).success).toBe(false);
    const neg = clone();
    neg.regression.margin = -0.01;
    expect(criteriaConfigSchema.safeParse(neg).success).toBe(false);
    const over = clone();
    over.minimums.ET.dice = 1.2;
    expect(criteriaConfigSchema.safeParse(over).success).toBe(false);
    const noMetric = clone();
    noMetric.regression.metrics = [];
    expect(criteriaConfigSchema.safeParse(noMetric).success).toBe(false);
  });
});
