import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTempBlobRoot } from '../labels/fixtures';
import { db } from '@/lib/server/db';
import { collectEvidence } from '@/lib/server/registry/evidence/collect';
import { renderEvidenceHtml } from '@/lib/server/registry/evidence/html';
import { evidenceFile } from '@/lib/server/registry/evidence/store';
import { promoteToShadow } from '@/lib/server/registry/promotion';
import { buildEvidenceWorld } from './evidence-world';
import type { WorldUsers } from './world';

useTestDb({ BLOB_ROOT: useTempBlobRoot() });

let users: WorldUsers;
let candidateId: string;

beforeAll(async () => {
  ({ users, candidateId } = await buildEvidenceWorld());
});

describe('evidence report', () => {
  it('collects the trigger, lineage, training, metrics and approval sections with real figures', async () => {
    const d = await collectEvidence(candidateId, { step: 'preview' });
    expect(d.trigger).toMatchObject({
      casesServed: 5,
      withDriftReport: 1,
      drifters: 1,
      drifterRate: 1,
      flags: 2,
      flaggedCases: 1,
      problematicCases: 2,
      meanDriftScore: 3.5,
    });
    expect(d.trigger.flagsByReason).toEqual({ MISSED_LESION: 1, BOUNDARY: 1 });
    expect(d.trigger.topDriftReasons).toEqual([{ reason: 'T1C median intensity', count: 1 }]);
    expect(d.trigger.runParams).toEqual({ trigger: 'drift', config: 'tiny' });
    expect(d.lineage.snapshot).toMatchObject({ name: 'retrain-evidence', caseCount: 2, splits: { TRAIN: 2 } });
    expect(d.lineage.labelAuthors).toEqual([{ name: 'Rad Author', versions: 2 }]);
    expect(d.lineage.reviewers).toEqual([{ name: 'Rad Reviewer', labels: 2 }]);
    expect(d.lineage.leakage).toEqual({ checked: true, holdoutCases: 3, leaked: [] });
    expect(d.training).toMatchObject({
      codeVersion: 'abc123',
      parent: { version: '1.0.0' },
      run: { runner: 'LOCAL', status: 'SUCCEEDED' },
      card: { training: { config: { name: 'tiny' } } },
    });
    expect(d.evaluation).toMatchObject({ verdict: 'PASS' });
    expect(d.approval).toBeNull();

    const html = renderEvidenceHtml(d);
    const wt = d.evaluation!.aggregate!.sets.find((s) => s.name === 'holdout-internal')!.regions!.WT;
    expect(html).toContain(wt.difference!.dice.estimate.toFixed(3));
    expect(html).toContain('T1C median intensity');
    expect(html).toContain(d.lineage.snapshot!.sha256);
    expect(html).toContain('PASSED: none of the 3 hold-out cases');
    expect(d.trigger.triggeringCases).toEqual(['EVD-T-0', 'EVD-T-1']);
    expect(html).not.toMatch(/<script/i);
  });

  it('freezes the evidence at a promotion: later downloads render the stored data, and a step never taken is 404', async () => {
    await promoteToShadow(users.ml, { modelVersionId: candidateId, reason: 'gate passed' });
    const frozen = await evidenceFile(candidateId, 'shadow', 'html');
    expect(frozen.contentType).toContain('text/html');
    expect(frozen.filename).toBe('evidence-seg-1.1.0-shadow.html');
    const text = new TextDecoder().decode(frozen.body);
    expect(text).toContain('<td>Stage when the report was generated</td><td>CANDIDATE</td>');
    // the model has moved on; the frozen report has not
    expect((await db().modelVersion.findUniqueOrThrow({ where: { id: candidateId } })).stage).toBe('SHADOW');
    await expect(evidenceFile(candidateId, 'production', 'html')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('renders a PDF when pdfkit is installed, and says so clearly when it is not', async () => {
    let installed = true;
    try {
      createRequire(import.meta.url).resolve('pdfkit');
    } catch {
      installed = false;
    }
    if (installed) {
      const pdf = await evidenceFile(candidateId, 'shadow', 'pdf');
      expect(new TextDecoder().decode(pdf.body.slice(0, 5))).toBe('%PDF-');
    } else {
      await expect(evidenceFile(candidateId, 'shadow', 'pdf')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    }
  });
});
