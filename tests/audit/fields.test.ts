import { describe, expect, it } from 'vitest';
import { auditFields, entityHref, humanise } from '@/components/audit/fields';

const cuid = 'cmabc123def456ghi789jkl0';
const sha = 'a'.repeat(64);
const line = (data: unknown) =>
  auditFields(data).map(
    (f) => `${f.label}: ${f.values.map((v) => (v.mono ? `[${v.text}]` : v.text)).join(', ')}${f.more ? ` +${f.more}` : ''}`,
  );

describe('audit data as readable fields', () => {
  it('labels keys in words and keeps region and label names', () => {
    expect(humanise('previousProductionId')).toBe('Previous production id');
    expect(humanise('WT')).toBe('WT');
    expect(humanise('1')).toBe('1');
  });

  it('shortens ids and hashes to monospace, keeping the full value as the title', () => {
    const [predictionId, hidden, sha256] = auditFields({ predictionId: cuid, hidden: [cuid], sha256: sha });
    expect(predictionId.values[0]).toEqual({ text: '…i789jkl0', mono: true, title: cuid });
    expect(hidden.values[0].mono).toBe(true);
    expect(sha256.values[0]).toEqual({ text: `${'a'.repeat(12)}…`, mono: true, title: sha });
  });

  it('links the ids of rows that have a page, and only those', () => {
    const [caseIds, model, prediction] = auditFields({ caseIds: [cuid, 'c2'], parentModelId: cuid, predictionId: cuid });
    expect(caseIds.values.map((v) => v.href)).toEqual([`/cases/${cuid}`, '/cases/c2']);
    expect(model.values[0]).toEqual({ text: '…i789jkl0', mono: true, title: cuid, href: `/models/${cuid}` });
    expect(prediction.values[0].href).toBeUndefined();
    expect(entityHref('WorkflowRun', 'r1')).toBe('/runs/r1');
    expect(entityHref('Dataset', 'a/b')).toBe('/datasets/a%2Fb');
    expect(entityHref('Prediction', 'p1')).toBeUndefined();
  });

  it('flattens nested objects into lines and formats scalars', () => {
    expect(line({ reason: 'worse ET', automatic: false, dice: { WT: 0.91234, ET: 0.5 }, previousProductionId: null })).toEqual([
      'Reason: worse ET',
      'Automatic: no',
      'Dice › WT: 0.912',
      'Dice › ET: 0.5',
      'Previous production id: —',
    ]);
  });

  it('cuts long lists and numbers list items of objects', () => {
    expect(line({ reasons: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] })).toEqual(['Reasons: a, b, c, d, e, f +2']);
    expect(line({ items: [{ n: 1 }, { n: 2 }], none: [] })).toEqual(['Items 1 › N: 1', 'Items 2 › N: 2', 'None: none']);
  });

  it('renders nothing for empty data and a single value for a non-object', () => {
    expect(auditFields({})).toEqual([]);
    expect(auditFields(null)).toEqual([]);
    expect(line('legacy')).toEqual(['Value: legacy']);
  });
});
