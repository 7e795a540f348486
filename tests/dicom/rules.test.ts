/**
 * Series classification: the default rules on sidecars like the scanners write them, and the rules as data an ML
 * engineer edits (validated with the problem named, audited, refused to other roles, applied to the next study).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import type { Actor } from '@/lib/server/auth/actor';
import { classifySeries, decideStudy } from '@/lib/server/dicom/classify';
import { DEFAULT_RULES, getClassificationRules, saveClassificationRules } from '@/lib/server/dicom/rules';

useTestDb();
let engineer: Actor;
let physician: Actor;

beforeAll(async () => {
  const e = await db().user.create({ data: { email: 'ml@x', name: 'ML', role: 'ML_ENGINEER', passwordHash: 'x' } });
  const p = await db().user.create({ data: { email: 'ph@x', name: 'Ph', role: 'PHYSICIAN', passwordHash: 'x' } });
  engineer = { kind: 'user', id: e.id, email: e.email, name: e.name, role: 'ML_ENGINEER' };
  physician = { kind: 'user', id: p.id, email: p.email, name: p.name, role: 'PHYSICIAN' };
});

const classify = (sidecar: Record<string, unknown>) => classifySeries(sidecar, DEFAULT_RULES);

describe('default classification rules', () => {
  it('names the four sequences from descriptions, timings and the contrast agent', () => {
    expect(classify({ SeriesDescription: '3D Ax T1 MP-RAGE_R22', ImageType: ['ORIGINAL', 'PRIMARY'] })).toMatchObject({ role: 'T1N' });
    expect(classify({ SeriesDescription: 'Ax T1 MPRAGE +C' })).toMatchObject({ role: 'T1C' });
    expect(classify({ SeriesDescription: 'AX T1 SPGR', ContrastBolusAgent: 'Gadovist' })).toMatchObject({ role: 'T1C' });
    expect(classify({ SeriesDescription: 'AX T2 FSE' })).toMatchObject({ role: 'T2W' });
    expect(classify({ SeriesDescription: 'Ax T2 FLAIR' })).toMatchObject({ role: 'T2F' });
    expect(classify({ SeriesDescription: 'Ax 3D CUBE', InversionTime: 1.8, EchoTime: 0.12 })).toMatchObject({ role: 'T2F' });
    expect(classify({ SeriesDescription: 'sag cube', EchoTime: 0.09, RepetitionTime: 3.2 })).toMatchObject({ role: 'T2W' });
    expect(classify({ SeriesDescription: 'Ax 3D CUBE' })).toEqual({ kind: 'unclassified' });
  });

  it('sets localizers, derived images, diffusion, functional and susceptibility series aside with a reason', () => {
    expect(classify({ SeriesDescription: '3-Plane Loc', ImageType: ['ORIGINAL', 'PRIMARY', 'LOCALIZER'] })).toMatchObject({
      kind: 'set-aside',
      reason: expect.stringMatching(/localizer/),
    });
    expect(classify({ SeriesDescription: 'T1 MPR COR', ImageType: ['DERIVED', 'SECONDARY', 'MPR'] })).toMatchObject({
      reason: expect.stringMatching(/derived or secondary/),
    });
    expect(classify({ SeriesDescription: 'Ax DWI b1000' })).toMatchObject({ reason: expect.stringMatching(/diffusion/) });
    expect(classify({ SeriesDescription: 'REST1 w SMS PF7-8' })).toMatchObject({ reason: expect.stringMatching(/functional/) });
    expect(classify({ SeriesDescription: 'Ax SWI' })).toMatchObject({ reason: expect.stringMatching(/susceptibility/) });
  });

  it('a study is complete with one series per sequence; otherwise the reason names what is missing or doubled', () => {
    const s = (seriesKey: string, role: 'T1N' | 'T1C' | 'T2W' | 'T2F' | null) => ({ seriesKey, role });
    expect(decideStudy([s('a', 'T1N'), s('b', 'T1C'), s('c', 'T2W'), s('d', 'T2F')])).toEqual({
      complete: true,
      roles: { T1N: 'a', T1C: 'b', T2W: 'c', T2F: 'd' },
    });
    expect(decideStudy([s('a', 'T1N'), s('b', 'T1N'), s('c', 'T2W'), s('x', null)])).toEqual({
      complete: false,
      reason: 'no series for T1C, T2F; 2 candidates for T1N: assign the series by hand',
    });
  });
});

describe('rules as data', () => {
  it('refuses invalid rules naming the problem, and other roles', async () => {
    const bad = { rules: [{ name: 'x', action: 'T1N', when: [{ field: 'SeriesDescription', matches: '(' }] }] };
    await expect(saveClassificationRules(engineer, bad)).rejects.toMatchObject({
      userMessage: 'rules: rules.0.when.0.matches: not a valid regular expression',
    });
    const noReason = { rules: [{ name: 'x', action: 'SET_ASIDE', when: [{ field: 'Modality', matches: 'CT' }] }] };
    await expect(saveClassificationRules(engineer, noReason)).rejects.toMatchObject({
      userMessage: 'rules: rules.0.reason: a SET_ASIDE rule needs a reason',
    });
    await expect(saveClassificationRules(physician, DEFAULT_RULES)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await getClassificationRules()).toEqual(DEFAULT_RULES);
  });

  it('saves edited rules, audited, and classifies with them', async () => {
    const edited = {
      rules: [
        { name: 'site protocol', action: 'T2F' as const, when: [{ field: 'SeriesDescription', matches: '^Ax 3D CUBE$' }] },
        ...DEFAULT_RULES.rules,
      ],
    };
    await saveClassificationRules(engineer, edited);
    const rules = await getClassificationRules();
    expect(classifySeries({ SeriesDescription: 'Ax 3D CUBE' }, rules)).toEqual({ kind: 'sequence', role: 'T2F', rule: 'site protocol' });
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.dicomRulesUpdate } });
    expect(event).toMatchObject({
      actorId: engineer.kind === 'user' ? engineer.id : '',
      data: { rules: edited.rules.length, previousRules: DEFAULT_RULES.rules.length },
    });
  });
});
