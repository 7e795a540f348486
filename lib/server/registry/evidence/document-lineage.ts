import 'server-only';
import type { EvidenceData, Section } from './types';
import { dt, num, pct, ref } from './format';

function leakageProof(d: EvidenceData): string {
  const leak = d.lineage.leakage;
  if (!leak.checked) return 'NOT CHECKED: the model records no training snapshot.';
  return leak.leaked.length === 0
    ? `PASSED: none of the ${leak.holdoutCases} hold-out cases appears in the snapshot's training splits.`
    : `FAILED: ${leak.leaked.length} hold-out case(s) appear in the training splits: ${leak.leaked.join(', ')}.`;
}

/** Section 3: the training snapshot, the datasets the gate measures on, and the clinical cases that triggered it. */
export function lineageSection(d: EvidenceData): Section {
  const l = d.lineage;
  const s = l.snapshot;
  const t = d.trigger;
  const triggering = t.triggeringCases ?? [];
  return {
    id: 'lineage',
    title: '3. Data lineage',
    blocks: [
      {
        kind: 'kv',
        rows: s
          ? [
              ['Training snapshot', `${s.name} (${s.id})`],
              ['Snapshot sha256', s.sha256],
              ['Cases in the snapshot', String(s.caseCount)],
              ['Created', dt(s.createdAt)],
            ]
          : [['Training snapshot', 'none recorded for this model version']],
      },
      {
        kind: 'table',
        head: ['Snapshot split', 'Cases'],
        rows: Object.entries(s?.splits ?? {}).map(([k, v]) => [k, String(v)]),
        empty: 'No split recorded.',
      },
      {
        kind: 'table',
        head: ['Hold-out dataset', 'Kind', 'Locked', 'Locked at', 'Cases'],
        rows: l.holdoutSets.map((h) => [h.name, h.kind, h.locked ? 'yes' : 'no', dt(h.lockedAt), String(h.members)]),
        empty: 'No hold-out set.',
      },
      { kind: 'kv', rows: [['Hold-outs not used for training', leakageProof(d)]] },
      {
        kind: 'table',
        head: ['Label author', 'Label versions in the snapshot'],
        rows: l.labelAuthors.map((a) => [a.name, String(a.versions)]),
        empty: 'No labels.',
      },
      {
        kind: 'table',
        head: ['Reviewer who approved', 'Labels'],
        rows: l.reviewers.map((r) => [r.name, String(r.labels)]),
        empty: 'No labels.',
      },
      { kind: 'p', text: `What the replaced model met in the clinic before the retraining (${ref(t.production)}):` },
      {
        kind: 'kv',
        rows: [
          ['Observation window', `${dt(t.window.from)} to ${dt(t.window.to)}`],
          ['Cases served (returned predictions)', String(t.casesServed)],
          ['Cases with a drift report', String(t.withDriftReport)],
          ['Drifters', `${t.drifters} (${pct(t.drifterRate)})`],
          ['Mean drift score', num(t.meanDriftScore)],
          ['Physician flags', `${t.flags} on ${t.flaggedCases} cases`],
          ['Triggering cases in the training snapshot', String(t.problematicCases)],
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
        head: ['Physician flag reason', 'Flags'],
        rows: Object.entries(t.flagsByReason).map(([k, v]) => [k, String(v)]),
        empty: 'No physician flag in the window.',
      },
      ...(triggering.length
        ? [{ kind: 'p' as const, text: `Triggering cases (drifters or flagged) the retraining learnt from: ${triggering.join(', ')}.` }]
        : []),
    ],
  };
}
