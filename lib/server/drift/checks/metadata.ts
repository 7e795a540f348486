import 'server-only';
/** Family 1, input metadata: sequences present, voxel geometry, data type and acquisition against the card. */
import type { DriftSettings } from '../settings';
import { MODALITIES, type AcquisitionExpectation, type CaseMetadataStats, type CheckResult, type DriftReference } from '../types';
import { MAX_SCORE, fmt, infoCheck } from './tail';
import { expectedAcquisition } from './acquisition';

const mm = (s: number[]) => s.map((v) => fmt(v)).join(' x ');

export function modalitiesCheck(meta: CaseMetadataStats): CheckResult {
  const missing = MODALITIES.filter((m) => !meta.modalities.includes(m));
  return {
    family: 'input',
    kind: 'modalities',
    label: 'sequences present',
    value: meta.modalities.join(', '),
    reference: MODALITIES.join(', '),
    threshold: 'all four',
    verdict: missing.length ? 'fail' : 'pass',
    score: missing.length ? MAX_SCORE : 0,
    reason: missing.length
      ? `${missing.join(', ')} ${missing.length > 1 ? 'sequences' : 'sequence'} missing; the model needs ${MODALITIES.join(', ')}`
      : null,
  };
}

/** Symmetric relative difference: halving and doubling a spacing count the same. */
const relDiff = (a: number, b: number) => Math.max(a / b, b / a) - 1;

export function spacingCheck(meta: CaseMetadataStats, ref: DriftReference, settings: DriftSettings): CheckResult {
  const s = meta.spacingMm;
  if (!s) return infoCheck('input', 'spacing', 'voxel spacing', null, 'spacing unknown', 'mm');
  if (ref.metadata.spacings.length === 0)
    return infoCheck('input', 'spacing', 'voxel spacing', s, 'the card records no training spacing', 'mm');
  // the closest training spacing, axis by axis (the trainer records spacing in file axis order)
  let best = { ref: ref.metadata.spacings[0], dev: Infinity, axis: 0 };
  for (const r of ref.metadata.spacings) {
    const devs = s.map((v, i) => relDiff(v, r[i]));
    const dev = Math.max(...devs);
    if (dev < best.dev) best = { ref: r, dev, axis: devs.indexOf(dev) };
  }
  const score = Math.min(MAX_SCORE, best.dev / settings.spacingTolerance);
  const fail = score > 1;
  // the axis with the largest spacing is the slice direction of a 2D acquisition
  const thickAxis = s.indexOf(Math.max(...s));
  const reason = !fail
    ? null
    : best.axis === thickAxis && s[thickAxis] > best.ref[thickAxis]
      ? `slice thickness ${fmt(s[thickAxis])} mm, model trained on ${fmt(best.ref[thickAxis])} mm`
      : `voxel spacing ${mm(s)} mm, model trained on ${mm(best.ref)} mm`;
  return {
    family: 'input',
    kind: 'spacing',
    label: 'voxel spacing',
    value: s,
    unit: 'mm',
    reference: ref.metadata.spacings,
    threshold: { relativeTolerance: settings.spacingTolerance },
    verdict: fail ? 'fail' : 'pass',
    score,
    reason,
  };
}

/** Seen-or-not checks for properties the pipeline copes with (it crops, resamples and reorients): warn only. */
function seenCheck(kind: string, label: string, value: string | number[] | null, seen: (string | number[])[], what: string): CheckResult {
  if (value == null) return infoCheck('input', kind, label, null, `${label} unknown`);
  if (seen.length === 0) return infoCheck('input', kind, label, value, `the card records no training ${label}`);
  const key = (v: string | number[]) => (Array.isArray(v) ? v.join('x') : v);
  const ok = seen.some((v) => key(v) === key(value));
  return {
    family: 'input',
    kind,
    label,
    value,
    reference: seen,
    threshold: 'seen in training',
    verdict: ok ? 'pass' : 'warn',
    score: null,
    reason: ok ? null : `${label} ${key(value)} not seen in training (${seen.map(key).join(', ')}); ${what}`,
  };
}

export function geometryChecks(meta: CaseMetadataStats, ref: DriftReference): CheckResult[] {
  return [
    seenCheck('dims', 'image size', meta.dims, ref.metadata.dims, 'the model crops and resamples, so this alone is harmless'),
    seenCheck('orientation', 'orientation', meta.orientation, ref.metadata.orientations, 'the model reorients to RAS'),
    seenCheck('datatype', 'data type', meta.datatype, ref.metadata.dtypes, 'intensities are read as floats'),
  ];
}

/**
 * Site, and the scanner (manufacturer and field strength, as DICOM ingestion fills them from the sidecar) against the
 * card's reference acquisition (or the configured one): unusual ones warn, in one readable sentence per property,
 * e.g. "Philips 1.5 T; the model saw GE and Siemens 3 T".
 */
export function acquisitionChecks(meta: CaseMetadataStats, ref: DriftReference, settings: DriftSettings): CheckResult[] {
  const expected = expectedAcquisition(ref, settings);
  const site = meta.site;
  const siteCheck: CheckResult =
    site == null || site === ''
      ? infoCheck('input', 'site', 'site', null, 'site not given')
      : !expected.sites?.length
        ? infoCheck('input', 'site', 'site', site, 'no expected site recorded')
        : seenValue('site', 'site', site, expected.sites, `site ${site}; the model saw ${expected.sites.join(', ')}`);
  return [siteCheck, scannerCheck(meta, expected)];
}

const same = (a: string | number, b: string | number) => String(a).toLowerCase() === String(b).toLowerCase();
const tesla = (f: number) => `${+f.toFixed(2)} T`;
const and = (xs: (string | number)[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

function scannerCheck(meta: CaseMetadataStats, expected: AcquisitionExpectation): CheckResult {
  const { manufacturer, fieldStrengthT } = meta;
  const value = [manufacturer, fieldStrengthT != null ? tesla(fieldStrengthT) : null].filter(Boolean).join(' ');
  if (!value) return infoCheck('input', 'scanner', 'scanner', null, 'scanner not given');
  const makers = expected.manufacturers ?? [];
  const fields = expected.fieldStrengthsT ?? [];
  if (!makers.length && !fields.length) return infoCheck('input', 'scanner', 'scanner', value, 'no expected scanners recorded');
  const unseenMaker = manufacturer != null && makers.length > 0 && !makers.some((m) => same(m, manufacturer));
  const unseenField = fieldStrengthT != null && fields.length > 0 && !fields.includes(fieldStrengthT);
  const saw = [makers.length ? and(makers) : null, fields.length ? `${and(fields.map((f) => +f.toFixed(2)))} T` : null]
    .filter(Boolean)
    .join(' ');
  return seenValue(
    'scanner',
    'scanner',
    value,
    [...makers, ...fields.map(tesla)],
    `${value}; the model saw ${saw}`,
    !(unseenMaker || unseenField),
  );
}

function seenValue(
  kind: string,
  label: string,
  value: string,
  reference: (string | number)[],
  reason: string,
  ok = reference.some((r) => same(r, value)),
): CheckResult {
  return {
    family: 'input',
    kind,
    label,
    value,
    reference,
    threshold: 'one of those seen in training',
    verdict: ok ? 'pass' : 'warn',
    score: null,
    reason: ok ? null : reason,
  };
}
