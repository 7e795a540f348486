import 'server-only';
import type { DeploymentReport } from '../monitoring';
import type { EvidenceData, Section } from './types';
import { dt, num, pct, ref } from './format';

const REGIONS = ['WT', 'TC', 'ET'] as const;

/** One column of the shadow/canary comparison; a step never taken says so in every row. */
function column(r: DeploymentReport, mode: 'shadow' | 'canary'): string[] {
  const dep = r.deployment;
  if (!dep) return [`no ${mode} deployment`, ...Array<string>(9).fill('—')];
  return [
    `${dt(dep.startedAt)} to ${dep.endedAt ? dt(dep.endedAt) : 'ongoing'}`,
    mode === 'canary' ? `${dep.trafficPercent}%` : 'none (predictions not returned)',
    dep.endReason ?? '—',
    String(r.model.cases),
    String(r.failedCases ?? 0),
    ...REGIONS.map((g) => num(r.agreement[g])),
    String(r.agreementRecorded),
    `${pct(r.model.flagRate)} (production ${pct(r.production.flagRate)})`,
  ];
}

const ROWS = [
  'Window',
  'Traffic share answered by the model',
  'Ended because',
  'Cases seen',
  'Cases it failed on',
  'Agreement with production, WT (mean Dice)',
  'Agreement with production, TC (mean Dice)',
  'Agreement with production, ET (mean Dice)',
  'Cases with agreement recorded',
  'Physician flag rate',
];

/** Section 6: how the candidate behaved beside production in the clinic, shadow and canary side by side. */
export function deploymentSection(d: EvidenceData): Section {
  const shadow = column(d.shadow, 'shadow');
  const canary = column(d.canary, 'canary');
  const disagreements = (['shadow', 'canary'] as const).flatMap((mode) =>
    d[mode].disagreements.slice(0, 50).map((c) => [mode, c.externalId, num(c.dice.WT), num(c.dice.TC), num(c.dice.ET)]),
  );
  return {
    id: 'deployment',
    title: '6. Shadow and canary agreement',
    blocks: [
      { kind: 'table', head: ['', 'Shadow', 'Canary'], rows: ROWS.map((label, i) => [label, shadow[i], canary[i]]) },
      {
        kind: 'table',
        caption: 'Cases below the disagreement threshold (Dice against production)',
        head: ['Deployment', 'Case', 'WT', 'TC', 'ET'],
        rows: disagreements,
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

/** Section 7: the signed approval (production) and every audited change to the model up to the report. */
export function approvalSection(d: EvidenceData): Section {
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
  return {
    id: 'approval',
    title: '7. Approvals and audit trail',
    blocks: [
      { kind: 'kv', rows },
      {
        kind: 'table',
        caption: 'Audit trail of this model version',
        head: ['Time', 'Actor', 'Action', 'Reason'],
        rows: (d.auditTrail ?? []).map((e) => [dt(e.at), e.actor, e.action, e.reason ?? '—']),
        empty: d.auditTrail ? 'No audited change yet.' : 'Not recorded in reports of this age: see the audit log.',
      },
    ],
  };
}
