import 'server-only';
/**
 * Input family, DICOM acquisition against what the model saw: per sequence TR/TE/TI and slice thickness against the
 * reference's [min, max], and the scanner model, software version and contrast agent against those it records.
 * Unusual values warn (the pipeline still runs; a radiologist should know), each in one readable sentence: "T1C TE
 * 2.1 ms is outside the 2.8-4.1 ms the model saw". A field the reference does not record is reported "not checked",
 * never as an alarm. Cases that did not arrive as DICOM carry no acquisition and get none of these checks.
 */
import type { DriftSettings } from '../settings';
import { SEQUENCE_FIELDS, TEXT_FIELDS, type SequenceField, type TextField } from '../acquisition';
import {
  MODALITIES,
  type AcquisitionExpectation,
  type CaseMetadataStats,
  type CheckResult,
  type DriftReference,
  type Modality,
} from '../types';
import { infoCheck } from './tail';

/** Per field: the reference's when it records it, else the drift settings' (a card or calibration may record only some). */
export function expectedAcquisition(ref: DriftReference, settings: DriftSettings): AcquisitionExpectation {
  const fromRef = Object.entries(ref.metadata.acquisition ?? {}).filter(([, v]) => v != null);
  return { ...settings.expectedAcquisition, ...Object.fromEntries(fromRef) };
}

export function dicomAcquisitionChecks(meta: CaseMetadataStats, ref: DriftReference, settings: DriftSettings): CheckResult[] {
  const acq = meta.acquisition ?? {};
  if (Object.keys(acq).length === 0) return [];
  const expected = expectedAcquisition(ref, settings);
  const sequences = MODALITIES.filter((m) => acq[m]).map((m) => sequenceCheck(m, acq, expected));
  return [...sequences, ...(Object.keys(TEXT_FIELDS) as TextField[]).map((f) => textCheck(f, meta, expected))];
}

/** Scanner-console precision: 2.1, 3.17, 2218 (not 2.10 or 2.22e+3). */
const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : String(+v.toFixed(Math.abs(v) >= 1 ? 2 : 3)));
const sayValue = (f: SequenceField, v: number) => `${SEQUENCE_FIELDS[f].name} ${num(v)} ${SEQUENCE_FIELDS[f].unit}`;
const sayRange = (f: SequenceField, [lo, hi]: [number, number]) =>
  lo === hi ? `${num(lo)} ${SEQUENCE_FIELDS[f].unit}` : `${num(lo)}-${num(hi)} ${SEQUENCE_FIELDS[f].unit}`;
/** Equal within a part per million: values come from sidecars through a unit change. */
const inRange = (v: number, [lo, hi]: [number, number]) => v >= lo - Math.abs(lo) * 1e-6 && v <= hi + Math.abs(hi) * 1e-6;

/** One check per sequence: every parameter it has, against the reference's range for that sequence. */
function sequenceCheck(m: Modality, acq: NonNullable<CaseMetadataStats['acquisition']>, expected: AcquisitionExpectation): CheckResult {
  const a = acq[m]!;
  const ranges = expected.sequences?.[m] ?? {};
  const fields = (Object.keys(SEQUENCE_FIELDS) as SequenceField[]).filter((f) => a[f] != null);
  const value = fields.map((f) => sayValue(f, a[f]!)).join(', ');
  const label = `${m} acquisition`;
  if (!fields.length) return infoCheck('input', `acquisition-${m}`, label, null, `${m} TR/TE/TI and slice thickness not given`);
  const checked = fields.filter((f) => ranges[f]);
  const unchecked = fields.filter((f) => !ranges[f]).map((f) => SEQUENCE_FIELDS[f].name);
  const notChecked = unchecked.length ? `not checked: the model's reference records no ${m} ${unchecked.join(', ')}` : null;
  if (!checked.length) return infoCheck('input', `acquisition-${m}`, label, value, notChecked!);
  const outside = checked.filter((f) => !inRange(a[f]!, ranges[f]!));
  const reasons = outside.map((f) => `${m} ${sayValue(f, a[f]!)} is outside the ${sayRange(f, ranges[f]!)} the model saw`);
  return {
    family: 'input',
    kind: `acquisition-${m}`,
    label,
    value,
    reference: [...checked.map((f) => `${SEQUENCE_FIELDS[f].name} ${sayRange(f, ranges[f]!)}`), ...(notChecked ? [notChecked] : [])].join(
      '; ',
    ),
    threshold: 'within the range seen in training',
    verdict: outside.length ? 'warn' : 'pass',
    score: null,
    reason: outside.length ? reasons.join('; ') : null,
  };
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const listed = (xs: string[]) => xs.join(', ');

/** Scanner model, software version or contrast agent: the case's values (over its sequences) against those seen. */
function textCheck(f: TextField, meta: CaseMetadataStats, expected: AcquisitionExpectation): CheckResult {
  const { name } = TEXT_FIELDS[f];
  const acq = meta.acquisition ?? {};
  // the contrast agent is the post-contrast sequence's; the others hold for every sequence of the study
  const order: Modality[] = f === 'contrastAgents' ? ['T1C', ...MODALITIES.filter((m) => m !== 'T1C')] : [...MODALITIES];
  const values = [...new Set(order.map((m) => acq[m]?.[f]).filter((v): v is string => !!v))];
  const value = f === 'contrastAgents' ? values.slice(0, 1) : values;
  if (!value.length) return infoCheck('input', kindOf(f), name, null, `${name} not given`);
  const seen = expected[f] ?? [];
  if (!seen.length) return infoCheck('input', kindOf(f), name, listed(value), `not checked: the model's reference records no ${name}s`);
  const unseen = value.filter((v) => !seen.some((s) => same(s, v)));
  return {
    family: 'input',
    kind: kindOf(f),
    label: name,
    value: listed(value),
    reference: seen,
    threshold: 'one of those seen in training',
    verdict: unseen.length ? 'warn' : 'pass',
    score: null,
    reason: unseen.length ? `${name} ${listed(unseen)}: the model saw ${listed(seen)}` : null,
  };
}

const kindOf = (f: TextField) =>
  ({ scannerModels: 'scanner-model', softwareVersions: 'software-version', contrastAgents: 'contrast-agent' })[f];
