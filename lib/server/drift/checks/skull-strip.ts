import 'server-only';
/**
 * Input family: a model whose card requires skull-stripped input (preprocessing.skullStripping) against how the
 * case's sequences were stored. Verdict fail, not warn: the card says the model was trained and validated only on
 * brains without skull and scalp; on a whole head its intensity normalisation spans other tissue and its
 * segmentation is unvalidated, so the case must reach the review queue (only a fail does). The reason names the
 * fix (SKULL_STRIP_COMMAND). A sequence detected at ingestion as already stripped on arrival (imaging/already-stripped.ts)
 * counts as stripped. Absent for models that do not need stripping (every card 1).
 */
import { ALREADY_STRIPPED_NOTE } from '../../imaging/already-stripped';
import { MODALITIES, type CaseMetadataStats, type CheckResult, type DriftReference, type Modality } from '../types';
import { MAX_SCORE } from './tail';

export function skullStripCheck(meta: CaseMetadataStats, ref: DriftReference): CheckResult | null {
  if (ref.skullStripping !== 'required') return null;
  const present = MODALITIES.filter((m) => meta.modalities.includes(m));
  const by = meta.skullStripped ?? {};
  const missing = present.filter((m) => !by[m]);
  const model = `${ref.model.name} ${ref.model.version}`;
  return {
    family: 'input',
    kind: 'skull-stripping',
    label: 'skull-stripping',
    value: missing.length ? `not stripped: ${missing.join(', ')}` : strippedValue(present, by),
    reference: `${model} requires skull-stripped input`,
    threshold: 'every sequence stripped at ingestion',
    verdict: missing.length ? 'fail' : 'pass',
    score: missing.length ? MAX_SCORE : 0,
    reason: missing.length
      ? `input not skull-stripped (${missing.join(', ')} stored as received: no skull-stripping step was configured, SKULL_STRIP_COMMAND), though model ${model} requires skull-stripped input; its segmentation of a whole head is unvalidated`
      : null,
  };
}

/** "stripped by hd-bet", "input already skull-stripped", or both with the sequences each applies to. */
function strippedValue(present: Modality[], by: Partial<Record<Modality, string | null>>): string {
  const arrived = present.filter((m) => by[m] === ALREADY_STRIPPED_NOTE);
  const tools = [...new Set(present.map((m) => by[m]).filter((t): t is string => !!t && t !== ALREADY_STRIPPED_NOTE))];
  if (!tools.length) return ALREADY_STRIPPED_NOTE;
  if (!arrived.length) return `stripped by ${tools.join(', ')}`;
  return `stripped by ${tools.join(', ')}; ${ALREADY_STRIPPED_NOTE}: ${arrived.join(', ')}`;
}
