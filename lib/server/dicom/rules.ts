import 'server-only';
import { z } from 'zod';
import { db, type Tx } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';

/**
 * Series classification rules are data: an ML engineer edits them on /dicom/rules (validated, audited) because every
 * hospital names its protocols differently. The first rule whose conditions all hold decides; a series no rule
 * matches stays unclassified and can be assigned by hand in the "needs a decision" list.
 * A condition tests one sidecar field (SeriesDescription, ProtocolName, ImageType, ScanningSequence, EchoTime, ...):
 * `matches` is a case-insensitive regular expression over its text (arrays joined with `\`), `min`/`max` bound a
 * number (seconds for TR/TE/TI, as dcm2niix writes them), `present` asks whether it is given at all.
 */
export const DICOM_RULES_KEY = 'dicom.classification';

export const RULE_ACTIONS = ['T1N', 'T1C', 'T2W', 'T2F', 'SET_ASIDE'] as const;

const regex = z.string().refine((s) => {
  try {
    new RegExp(s, 'i');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const condition = z
  .object({
    field: z.string().min(1),
    matches: regex.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    present: z.boolean().optional(),
  })
  .strict()
  .refine((c) => c.matches !== undefined || c.min !== undefined || c.max !== undefined || c.present !== undefined, {
    message: 'a condition needs matches, min, max or present',
  });

const rule = z
  .object({
    name: z.string().min(1).max(100),
    action: z.enum(RULE_ACTIONS),
    /** shown to people for a set-aside series */
    reason: z.string().max(200).optional(),
    when: z.array(condition).min(1),
  })
  .strict()
  .refine((r) => r.action !== 'SET_ASIDE' || !!r.reason, { message: 'a SET_ASIDE rule needs a reason', path: ['reason'] });

export const rulesSchema = z.object({ rules: z.array(rule).min(1).max(200) }).strict();
export type ClassificationRules = z.infer<typeof rulesSchema>;
export type ClassificationRule = ClassificationRules['rules'][number];

const desc = (matches: string) => ({ field: 'SeriesDescription', matches });
const aside = (name: string, reason: string, when: ClassificationRule['when']): ClassificationRule => ({
  name,
  action: 'SET_ASIDE',
  reason,
  when,
});

export const DEFAULT_RULES: ClassificationRules = {
  rules: [
    aside('localizer (image type)', 'a localizer (scout), not a diagnostic sequence', [{ field: 'ImageType', matches: 'LOCALIZER' }]),
    aside('localizer (name)', 'a localizer (scout), not a diagnostic sequence', [
      desc('locali[sz]er|scout|survey|3.?plane|tripilot|\\bloc\\b'),
    ]),
    aside('derived or secondary', 'a derived or secondary-capture image (reformat, map, screenshot), not acquired data', [
      { field: 'ImageType', matches: '^(DERIVED|SECONDARY)' },
    ]),
    aside('diffusion', 'diffusion-weighted (DWI/ADC/DTI): not one of the four sequences the model reads', [
      desc('dwi|diffusion|dti|\\badc\\b|trace|\\bb\\s?=?\\s?1000'),
    ]),
    aside('functional or perfusion', 'functional or perfusion (BOLD/fMRI/DSC/DCE/ASL): not a structural sequence', [
      desc('bold|fmri|resting|\\brest|perf|\\bdsc\\b|\\bdce\\b|\\basl\\b'),
    ]),
    aside('susceptibility', 'susceptibility-weighted (SWI/T2*): not one of the four sequences the model reads', [
      desc('swi|swan|t2\\*|t2.?star'),
    ]),
    { name: 'FLAIR by name', action: 'T2F', when: [desc('flair|dark.?fluid')] },
    {
      name: 'FLAIR by timing',
      action: 'T2F',
      when: [
        { field: 'InversionTime', min: 1.5 },
        { field: 'EchoTime', min: 0.06 },
      ],
    },
    {
      name: 'T1 with contrast (agent)',
      action: 'T1C',
      when: [desc('\\bt1|mprage|mp-rage|spgr|bravo|\\btfe|vibe'), { field: 'ContrastBolusAgent', present: true }],
    },
    {
      name: 'T1 with contrast (name)',
      action: 'T1C',
      when: [desc('\\bt1|mprage|mp-rage|spgr|bravo|\\btfe|vibe'), desc('post|\\+\\s?c\\b|\\bgd\\b|gad|contrast|\\bce\\b|\\+gd')],
    },
    { name: 'T1 by name', action: 'T1N', when: [desc('\\bt1|mprage|mp-rage|spgr|bravo|\\btfe|vibe')] },
    { name: 'T2 by name', action: 'T2W', when: [desc('\\bt2')] },
    {
      name: 'T2 by timing',
      action: 'T2W',
      when: [
        { field: 'EchoTime', min: 0.06 },
        { field: 'RepetitionTime', min: 2 },
      ],
    },
  ],
};

/** Stored rules, or the defaults; stored rules that no longer validate are reported, never half-applied. */
export async function getClassificationRules(tx: Tx = db()): Promise<ClassificationRules> {
  const row = await tx.setting.findUnique({ where: { key: DICOM_RULES_KEY } });
  if (!row) return DEFAULT_RULES;
  const parsed = rulesSchema.safeParse(row.value);
  if (!parsed.success) throw new Error(`Setting ${DICOM_RULES_KEY} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Replaces the rules (whole set, validated); audited with the old and new rule count. */
export async function saveClassificationRules(actor: Actor, raw: unknown): Promise<ClassificationRules> {
  await authorize(actor, 'dicom:rules', { who: 'person' });
  const parsed = rulesSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('INVALID_INPUT', `rules: ${first.path.join('.') || '(top)'}: ${first.message}`);
  }
  return db().$transaction(async (tx) => {
    const before = await getClassificationRules(tx).catch(() => null);
    await tx.setting.upsert({
      where: { key: DICOM_RULES_KEY },
      create: { key: DICOM_RULES_KEY, value: parsed.data },
      update: { value: parsed.data },
    });
    await recordAudit(tx, {
      actor,
      action: AUDIT.dicomRulesUpdate,
      entityId: DICOM_RULES_KEY,
      data: { rules: parsed.data.rules.length, previousRules: before?.rules.length ?? null },
    });
    return parsed.data;
  });
}
