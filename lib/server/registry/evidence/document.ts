import 'server-only';
import type { EvidenceData, Section } from './types';
import { metricsSection } from './document-metrics';
import { dt, json, num, pct, ref } from './format';

/** The evidence report as a format-neutral document (Block, Section: types.ts), for html.ts and pdf.ts to render. */
export function evidenceDocument(d: EvidenceData): { title: string; sections: Section[] } {
  return {
    title: `Evidence report: ${d.model.name}@${d.model.version} (${d.step})`,
    sections: [
      summary(d),
      trigger(d),
      lineage(d),
      training(d),
      metricsSection(d),
      deployment(d, 'shadow'),
      deployment(d, 'canary'),
      approval(d),
    ],
  };
}

function summary(d: EvidenceData): Section {
  return {
    id: 'summary',
    title: 'Summary',
    blocks: [
      {
        kind: 'kv',
        rows: [
          ['Model', `${d.model.name}@${d.model.version}`],
          ['Model id', d.model.id],
          ['ONNX sha256', d.model.sha256],
          ['Stage when generated', d.model.stage],
          ['Promotion step', d.step],
          ['Generated at', dt(d.generatedAt)],
          [
            'Acceptance verdict',
            d.evaluation
              ? `${d.evaluation.verdict} (criteria v${d.evaluation.criteriaVersion}, evaluation ${d.evaluation.id})`
              : 'no finished evaluation',
          ],
        ],
      },
    ],
  };
}

function trigger(d: EvidenceData): Section {
  const t = d.trigger;
  return {
    id: 'trigger',
    title: '1. What triggered the change',
    blocks: [
      {
        kind: 'kv',
        rows: [
          ['Model being replaced', ref(t.production)],
          ['Observation window', `${dt(t.window.from)} to ${dt(t.window.to)}`],
          ['Cases served (returned predictions)', String(t.casesServed)],
          ['Cases with a drift report', String(t.withDriftReport)],
          ['Drifters', `${t.drifters} (${pct(t.drifterRate)})`],
          ['Mean drift score', num(t.meanDriftScore)],
          ['Physician flags', `${t.flags} on ${t.flaggedCases} cases`],
          ['Previously problematic cases in the training snapshot', String(t.problematicCases)],
        ],
      },
      {
        kind: 'table',
        head: ['Failed drift check (drifters)', 'Cases'],
        rows: t.topDriftReasons.map((r) => [r.reason, String(r.count)]),
        empty: 'No drifter in the window.',
      },
      {
        kind: 'table',
        head: ['Flag reason', 'Flags'],
        rows: Object.entries(t.flagsByReason).map(([k, v]) => [k, String(v)]),
        empty: 'No physician flag in the window.',
      },
      { kind: 'pre', text: `Training run parameters: ${json(t.runParams)}` },
    ],
  };
}

function lineage(d: EvidenceData): Section {
  const l = d.lineage;
  const s = l.snapshot;
  const leak = l.leakage;
  const proof = !leak.checked
    ? 'NOT CHECKED: the model records no training snapshot.'
    : leak.leaked.length === 0
      ? `PASSED: none of the ${leak.holdoutCases} hold-out cases appears in the snapshot's training splits.`
      : `FAILED: ${leak.leaked.length} hold-out case(s) appear in the training splits: ${leak.leaked.join(', ')}.`;
  return {
    id: 'lineage',
    title: '2. Data lineage',
    blocks: [
      {
        kind: 'kv',
        rows: s
          ? [
              ['Snapshot', `${s.name} (${s.id})`],
              ['Snapshot sha256', s.sha256],
              ['Cases', String(s.caseCount)],
              ['Created', dt(s.createdAt)],
              [
                'Splits',
                Object.entries(s.splits)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ') || '—',
              ],
            ]
          : [['Snapshot', 'none recorded for this model version']],
      },
      {
        kind: 'table',
        head: ['Label author', 'Label versions in snapshot'],
        rows: l.labelAuthors.map((a) => [a.name, String(a.versions)]),
        empty: 'No labels.',
      },
      {
        kind: 'table',
        head: ['Reviewer (approved)', 'Labels'],
        rows: l.reviewers.map((r) => [r.name, String(r.labels)]),
        empty: 'No labels.',
      },
      {
        kind: 'table',
        head: ['Hold-out set', 'Kind', 'Locked', 'Locked at', 'Cases'],
        rows: l.holdoutSets.map((h) => [h.name, h.kind, h.locked ? 'yes' : 'no', dt(h.lockedAt), String(h.members)]),
        empty: 'No hold-out set.',
      },
      { kind: 'kv', rows: [['Hold-outs not used for training', proof]] },
    ],
  };
}

function training(d: EvidenceData): Section {
  const t = d.training;
  const r = t.run;
  return {
    id: 'training',
    title: '3. Training configuration and code version',
    blocks: [
      {
        kind: 'kv',
        rows: [
          ['Training run', r ? `${r.id} (${r.runner}, ${r.status})` : 'none recorded'],
          ['Run started / finished', r ? `${dt(r.startedAt)} / ${dt(r.finishedAt)}` : '—'],
          ['External run', r?.externalUrl ?? '—'],
          ['Parent model', ref(t.parent)],
          ['Code version', t.codeVersion ?? '—'],
        ],
      },
      { kind: 'pre', text: `training: ${json(t.card.training)}` },
      { kind: 'pre', text: `architecture: ${json(t.card.architecture)}\nonnx: ${json(t.card.onnx)}` },
    ],
  };
}

function deployment(d: EvidenceData, mode: 'shadow' | 'canary'): Section {
  const r = mode === 'shadow' ? d.shadow : d.canary;
  const title = mode === 'shadow' ? '5. Shadow deployment' : '6. Canary deployment';
  if (!r.deployment) return { id: mode, title, blocks: [{ kind: 'p', text: `No ${mode} deployment of this model yet.` }] };
  const dep = r.deployment;
  const agree = (['WT', 'TC', 'ET'] as const).map((g) => `${g} ${num(r.agreement[g])}`).join(', ');
  return {
    id: mode,
    title,
    blocks: [
      {
        kind: 'kv',
        rows: [
          ['Window', `${dt(dep.startedAt)} to ${dep.endedAt ? dt(dep.endedAt) : 'ongoing'}`],
          ...(mode === 'canary' ? [['Traffic share', `${dep.trafficPercent}%`] as [string, string]] : []),
          ['Ended because', dep.endReason ?? '—'],
          ['Cases seen', String(r.model.cases)],
          ['Cases it failed on', String(r.failedCases ?? 0)],
          ['Agreement with production (mean Dice)', `${agree} over ${r.agreementRecorded} cases`],
          ['Physician flag rate', `${pct(r.model.flagRate)} (production ${pct(r.production.flagRate)})`],
          ['Drifter rate', `${pct(r.model.drifterRate)} (production ${pct(r.production.drifterRate)})`],
        ],
      },
      {
        kind: 'table',
        head: ['Disagreement case', 'WT', 'TC', 'ET'],
        rows: r.disagreements.slice(0, 50).map((c) => [c.externalId, num(c.dice.WT), num(c.dice.TC), num(c.dice.ET)]),
        empty: 'No case below the disagreement threshold.',
      },
    ],
  };
}

function canaryAtSigning(c: { cases: number; minCases: number; shortCanaryConfirmed: boolean }): string {
  const base = `${c.cases} cases answered; the automatic rollback rule needs ${c.minCases}`;
  return c.shortCanaryConfirmed
    ? `${base}. SHORT CANARY: the approver confirmed promoting before the rule could judge it`
    : `${base}: the rule judged it and did not fire`;
}

function approval(d: EvidenceData): Section {
  const a = d.approval;
  const rows: [string, string][] = a
    ? [
        ['Approved by', `${a.approver} <${a.email}> (${a.role})`],
        ['Signed at', dt(a.at)],
        ['Reason', a.reason],
        ['Signature', 'password re-entered and verified at approval'],
        ...(a.canary ? [['Canary at signing', canaryAtSigning(a.canary)] as [string, string]] : []),
        ['Previous production archived', ref(d.previousProduction)],
      ]
    : [['Approval', `none: this report accompanies the ${d.step} step; production needs a signed approval`]];
  return { id: 'approval', title: '7. Approval', blocks: [{ kind: 'kv', rows }] };
}
