import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTempBlobRoot } from '../labels/fixtures';
import { pdfTextRuns } from '../support/pdf-text';
import { AUDIT } from '@/lib/server/audit';
import { collectEvidence } from '@/lib/server/registry/evidence/collect';
import { renderEvidenceHtml } from '@/lib/server/registry/evidence/html';
import { renderEvidencePdf } from '@/lib/server/registry/evidence/pdf';
import { frozenEvidence } from '@/lib/server/registry/evidence/store';
import { promoteToCanary, promoteToProduction, promoteToShadow } from '@/lib/server/registry/promotion';
import { buildEvidenceWorld } from './evidence-world';
import { createModel, ML_PASSWORD, type WorldUsers } from './world';

useTestDb({ BLOB_ROOT: useTempBlobRoot() });

let users: WorldUsers;
let productionId: string;
let candidateId: string;

beforeAll(async () => {
  ({ users, productionId, candidateId } = await buildEvidenceWorld());
});

const SECTIONS = [
  '1. Summary and decision',
  '2. Models',
  '3. Data lineage',
  '4. Acceptance criteria and results per set',
  '5. Regression against production',
  '6. Shadow and canary agreement',
  '7. Approvals and audit trail',
];

describe('evidence report as a document', () => {
  it('HTML: every section, tables and charts, no JSON anywhere', async () => {
    const d = await collectEvidence(candidateId, { step: 'preview' });
    const html = renderEvidenceHtml(d);
    for (const title of SECTIONS) expect(html).toContain(`<h2>${title}</h2>`);
    expect(html).not.toContain('{"');
    expect(html).not.toContain('&quot;:');
    expect(html).not.toMatch(/<pre/i);
    expect(html.match(/<table class="grid">/g)!.length).toBeGreaterThanOrEqual(8);
    expect(html.match(/<svg role="img"/g)).toHaveLength(2);
    // the card's nested training configuration is a table of settings, not a dump
    expect(html).toContain('<td>config.seed</td><td>7</td>');
    // the acceptance table: each region and metric with its figure, its minimum and the verdict
    const wt = d.evaluation!.aggregate!.sets.find((s) => s.name === 'holdout-internal')!.regions!.WT;
    const lw = wt.candidate.lw_dice;
    expect(html).toMatch(
      new RegExp(
        `<td>WT</td><td>Lesion-wise Dice</td><td>${lw.estimate.toFixed(3)} \\[${lw.lower.toFixed(3)}, ${lw.upper.toFixed(3)}\\]</td><td>&gt;= [0-9.]+</td><td class="pass">PASS</td>`,
      ),
    );
    expect(html).toContain(`<td>holdout-internal</td><td>WT</td><td>Dice</td>`);
  });

  it('PDF: the same cells as real table cells (one text run each, no pipe-joined lines)', async () => {
    const d = await collectEvidence(candidateId, { step: 'preview' });
    const runs = pdfTextRuns(await renderEvidencePdf(d, { compress: false }));
    const text = runs.join('\n');
    for (const title of SECTIONS) expect(runs).toContain(title);
    const wt = d.evaluation!.aggregate!.sets.find((s) => s.name === 'holdout-internal')!.regions!.WT;
    for (const cellText of [
      'Region',
      'Metric',
      'Candidate',
      'Required',
      'Result',
      'Lesion-wise Dice',
      'Lesion F1',
      'PASS',
      'holdout-internal',
    ])
      expect(runs).toContain(cellText);
    expect(runs).toContain(wt.candidate.lesion_f1.toFixed(3));
    expect(runs).toContain('seg@1.0.0');
    expect(text).not.toContain(' | ');
    expect(text).not.toContain('{"');
  });

  it('names the production model it replaces, never itself, and not its parent once production has moved on', async () => {
    const own = await collectEvidence(productionId, { step: 'preview' });
    expect(own.replaced).toBeNull();
    expect(own.trigger.production).toBeNull();
    expect(renderEvidenceHtml(own)).toContain('<th scope="row">Model being replaced</th><td>none: no other model served production</td>');

    // fine-tuned from an archived model while seg@1.0.0 serves: it replaces seg@1.0.0
    const old = await createModel('seg', '0.9.0', 'ARCHIVED');
    const sibling = await createModel('seg', '1.0.1', 'CANDIDATE', { parentId: old.id });
    const s = await collectEvidence(sibling.id, { step: 'preview' });
    expect(s.replaced).toMatchObject({ id: productionId, version: '1.0.0' });
    expect(s.training.parent).toMatchObject({ id: old.id });
  });

  it('after the production promotion: the frozen report and a later preview both name the archived predecessor', async () => {
    await promoteToShadow(users.ml, { modelVersionId: candidateId, reason: 'gate passed' });
    await promoteToCanary(users.ml, { modelVersionId: candidateId, trafficPercent: 10, reason: 'shadow agreed' });
    await promoteToProduction(users.ml, {
      modelVersionId: candidateId,
      password: ML_PASSWORD,
      reason: 'canary agreed',
      confirmShortCanary: true,
    });
    const frozen = (await frozenEvidence(candidateId, 'production'))!;
    expect(frozen.replaced).toMatchObject({ id: productionId });
    expect(frozen.auditTrail!.map((e) => e.action)).toEqual([AUDIT.modelPromoteShadow, AUDIT.modelPromoteCanary]);
    const later = await collectEvidence(candidateId, { step: 'preview' });
    expect(later.model.stage).toBe('PRODUCTION');
    expect(later.replaced).toMatchObject({ id: productionId, stage: 'ARCHIVED' });
    const html = renderEvidenceHtml(frozen);
    expect(html).toContain('APPROVED for production by');
    expect(html).toContain(`<td>${AUDIT.modelPromoteCanary}</td><td>shadow agreed</td>`);
  });
});
