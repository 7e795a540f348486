import 'server-only';
/**
 * Monitoring segments from a case's acquisition: the allow-listed DICOM sidecar fields stored on its T1C volume
 * (Volume.acquisition, BIDS units: seconds, tesla), else the case's scanner columns (NIfTI uploads with metadata).
 * Pure, so the segment names are unit-tested without a database.
 */
import type { AcquisitionSplit } from '@/lib/monitoring-splits';

export interface CaseScanner {
  scannerManufacturer: string | null;
  scannerModel: string | null;
  fieldStrength: number | null;
}

export const UNKNOWN_ACQUISITION: Record<AcquisitionSplit, string> = {
  model: 'unknown scanner model',
  field: 'unknown field strength',
  software: 'unknown software version',
  protocol: 'unknown protocol',
};

const text = (v: unknown) =>
  typeof v === 'string' && v.trim() ? v.trim() : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(' ') || null : null;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

/**
 * Two significant figures: a protocol's small per-site or per-software adjustments (TR 2300 vs 2290 ms, TE 2.26 vs
 * 2.32 ms) stay one segment, while sequences that differ in kind (a 7.5 ms spoiled gradient echo against a 500 ms
 * spin echo) never meet.
 */
const ms = (seconds: number) => `${Number((seconds * 1000).toPrecision(2))} ms`;

function protocolKey(acq: Record<string, unknown>): string | null {
  const tr = num(acq.RepetitionTime);
  const te = num(acq.EchoTime);
  if (tr == null || te == null) return null;
  const ti = num(acq.InversionTime);
  const kind = text(acq.MRAcquisitionType);
  return [kind, `TR ${ms(tr)}`, `TE ${ms(te)}`, ti != null ? `TI ${ms(ti)}` : null].filter(Boolean).join(', ');
}

/** The segment of the case under each acquisition split ("unknown …" where the field was not recorded). */
export function acquisitionSegments(acquisition: unknown, c: CaseScanner): Record<AcquisitionSplit, string> {
  const acq = acquisition && typeof acquisition === 'object' && !Array.isArray(acquisition) ? (acquisition as Record<string, unknown>) : {};
  const manufacturer = text(acq.Manufacturer) ?? c.scannerManufacturer;
  const model = [manufacturer, text(acq.ManufacturersModelName) ?? c.scannerModel].filter(Boolean).join(' ');
  const tesla = num(acq.MagneticFieldStrength) ?? num(c.fieldStrength);
  const software = text(acq.SoftwareVersions);
  return {
    model: model || UNKNOWN_ACQUISITION.model,
    // one decimal: 2.89 T (how some scanners report their nominal 3 T) is shown as 2.9 T, not merged silently
    field: tesla != null ? `${Number(tesla.toFixed(1))} T` : UNKNOWN_ACQUISITION.field,
    // a version string means little without its vendor (two vendors may both ship a "5.1")
    software: software ? [manufacturer, software].filter(Boolean).join(' ') : UNKNOWN_ACQUISITION.software,
    protocol: protocolKey(acq) ?? UNKNOWN_ACQUISITION.protocol,
  };
}
