import 'server-only';
import type { Block, EvidenceData, Section } from './types';
import { acceptanceSection, regressionSection } from './document-metrics';
import { lineageSection } from './document-lineage';
import { approvalSection, deploymentSection } from './document-trail';
import { dt, flatten, ref } from './format';

/**
 * The evidence report as a format-neutral document (Block, Section: types.ts), for html.ts and pdf.ts to render.
 * Ordered as a reviewer reads a change: the decision first, then what changed, from which data, how it measured
 * against the pre-set criteria and against production, how it behaved in the clinic, and who signed.
 */
export function evidenceDocument(d: EvidenceData): { title: string; sections: Section[] } {
  return {
    title: `Evidence report: ${d.model.name}@${d.model.version} (${d.step})`,
    sections: [
      summarySection(d),
      modelsSection(d),
      lineageSection(d),
      acceptanceSection(d),
      regressionSection(d),
      deploymentSection(d),
      approvalSection(d),
    ],
  };
}

/** The model this version replaces: recorded beside the report since it was fixed, else the trigger's reference. */
function replacedOf(d: EvidenceData) {
  return d.replaced !== undefined ? d.replaced : d.trigger.production;
}

function decision(d: EvidenceData): string {
  if (d.approval) return `APPROVED for production by ${d.approval.approver} on ${dt(d.approval.at)}: ${d.approval.reason}`;
  if (d.step === 'preview') return 'None yet: this is a preview of the current evidence, not a recorded promotion.';
  return `Promoted to ${d.step} (the reasons are in section 7); production needs a signed approval.`;
}

function criteriaTally(d: EvidenceData): string {
  const results = d.evaluation?.criteria?.results ?? [];
  const count = (s: string) => results.filter((c) => c.status === s).length;
  return `${count('PASS')} passed, ${count('FAIL')} failed, ${count('NOT_EVALUATED')} not evaluated`;
}

function summarySection(d: EvidenceData): Section {
  const e = d.evaluation;
  return {
    id: 'summary',
    title: '1. Summary and decision',
    blocks: [
      {
        kind: 'kv',
        rows: [
          ['Candidate', `${d.model.name}@${d.model.version}`],
          ['Model being replaced', replacedOf(d) ? ref(replacedOf(d)) : 'none: no other model served production'],
          ['Promotion step', d.step],
          ['Acceptance verdict', e ? `${e.verdict} against criteria v${e.criteriaVersion}` : 'no finished evaluation'],
          ['Criteria', e?.criteria ? criteriaTally(d) : '—'],
          ['Decision', decision(d)],
          ['Generated at', dt(d.generatedAt)],
        ],
      },
    ],
  };
}

function modelsSection(d: EvidenceData): Section {
  const r = replacedOf(d);
  const full = d.replaced ?? null;
  const t = d.training;
  const run = t.run;
  const settings: Block[] = [
    { title: 'Training configuration (model card)', rows: flatten(t.card.training) },
    { title: 'Training run parameters', rows: flatten(d.trigger.runParams) },
    { title: 'Architecture and ONNX export (model card)', rows: [...flatten(t.card.architecture), ...flatten(t.card.onnx, 'onnx')] },
  ].map(({ title, rows }) => ({ kind: 'table', head: [title, 'Value'], rows, empty: `${title}: none recorded.` }));
  return {
    id: 'models',
    title: '2. Models',
    blocks: [
      {
        kind: 'table',
        head: ['', 'Candidate', 'Model being replaced'],
        rows: [
          ['Name and version', `${d.model.name}@${d.model.version}`, r ? `${r.name}@${r.version}` : 'none'],
          ['Model id', d.model.id, r?.id ?? '—'],
          ['Stage when the report was generated', d.model.stage, r?.stage ?? '—'],
          ['ONNX sha256', d.model.sha256, full?.sha256 ?? '—'],
          ['Registered', dt(d.model.createdAt), dt(full?.createdAt)],
        ],
      },
      {
        kind: 'kv',
        rows: [
          ['Training run', run ? `${run.id} (${run.runner}, ${run.status})` : 'none recorded'],
          ['Run started / finished', run ? `${dt(run.startedAt)} / ${dt(run.finishedAt)}` : '—'],
          ['External run', run?.externalUrl ?? '—'],
          ['Fine-tuned from (parent)', ref(t.parent)],
          ['Code version', t.codeVersion ?? '—'],
        ],
      },
      ...settings,
    ],
  };
}
