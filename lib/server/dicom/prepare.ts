import 'server-only';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { env } from '../env';
import { ImagingValidationError } from '../imaging/errors';
import { gunzipLimited, isGzip } from '../imaging/gzip';
import type { CaseModality, ValidatedVolume } from '../imaging/validate';
import { parseUpload, sanitizedCopy } from '../imaging/validate-file';
import { classifySeries } from './classify';
import { convertStudy, type ConvertedVolume } from './dcm2niix';
import { filterSidecar, pseudonym, type Acquisition } from './privacy';
import type { SourceReferences } from './references';
import type { ClassificationRules } from './rules';
import type { DicomInstance } from './scan';
import { missingSliceProblem, transferSyntaxProblem } from './series-check';

/** A series after the checks, the conversion and the rules: what the store step writes (nothing stored yet). */
export interface PreparedSeries {
  seriesKey: string;
  seriesNumber: number | null;
  description: string;
  instances: DicomInstance[];
  /** refused before conversion (compression, missing slice): its instances count as failed in a STOW response */
  refused: boolean;
  setAsideReason: string | null;
  proposedRole: CaseModality | null;
  volume: (Omit<ValidatedVolume, 'modality'> & { warnings: string[] }) | null;
  acquisition: Acquisition | null;
  refs: SourceReferences;
}

export interface PreparedStudy {
  studyUid: string;
  studyKey: string;
  patientKey: string;
  series: PreparedSeries[];
  notes: string[];
}

/** Checks, converts (one dcm2niix run) and classifies the series of one study in `workDir`. */
export async function prepareStudy(instances: DicomInstance[], rules: ClassificationRules, workDir: string): Promise<PreparedStudy> {
  const first = instances[0];
  const bySeries = new Map<string, DicomInstance[]>();
  for (const i of instances) bySeries.set(i.seriesUid, [...(bySeries.get(i.seriesUid) ?? []), i]);
  const series: PreparedSeries[] = [...bySeries].map(([uid, list]) => blankSeries(uid, list));
  const toConvert = new Map<string, string[]>();
  for (const s of series) {
    const problem = transferSyntaxProblem(s.instances) ?? missingSliceProblem(s.instances);
    if (problem) Object.assign(s, { refused: true, setAsideReason: problem });
    else
      toConvert.set(
        s.instances[0].seriesUid,
        s.instances.map((i) => i.file),
      );
  }
  const notes: string[] = [];
  if (toConvert.size) {
    const conversion = await convertStudy(toConvert, workDir);
    notes.push(...conversion.warnings.map((w) => `dcm2niix: ${w}`));
    for (const s of series.filter((x) => !x.refused)) await settle(s, conversion.bySeries.get(s.instances[0].seriesUid) ?? [], rules);
  }
  return {
    studyUid: first.studyUid,
    studyKey: pseudonym('study', first.studyUid),
    patientKey: pseudonym('patient', first.patient.PatientID || first.studyUid),
    series: series.sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0)),
    notes,
  };
}

function blankSeries(uid: string, list: DicomInstance[]): PreparedSeries {
  const i = list[0];
  return {
    seriesKey: pseudonym('series', uid),
    seriesNumber: i.seriesNumber,
    description: i.seriesDescription,
    instances: list,
    refused: false,
    setAsideReason: null,
    proposedRole: null,
    volume: null,
    acquisition: null,
    refs: {
      studyInstanceUid: i.studyUid,
      seriesInstanceUid: uid,
      frameOfReferenceUid: i.frameOfReferenceUid,
      modality: i.modality,
      seriesNumber: i.seriesNumber,
      seriesDescription: i.seriesDescription,
      patientStudy: i.patient,
      instances: list.map((x) => ({
        sopClassUid: x.sopClassUid,
        sopInstanceUid: x.sopInstanceUid,
        numberOfFrames: x.numberOfFrames,
        imagePositionPatient: x.position,
        imageOrientationPatient: x.orientation ?? x.frames?.orientation ?? null,
        framePositions: x.frames?.positions ?? null,
      })),
    },
  };
}

/** One converted volume per series, 3D, readable; then the rules decide its role or set it aside. */
async function settle(s: PreparedSeries, volumes: ConvertedVolume[], rules: ClassificationRules) {
  if (volumes.length === 0) return void (s.setAsideReason = 'the converter produced no volume from this series');
  s.acquisition = filterSidecar(volumes[0].sidecar);
  if (volumes.length > 1)
    return void (s.setAsideReason = `the converter split it into ${volumes.length} volumes (several echoes, orientations or acquisitions)`);
  const bytes = new Uint8Array(await fs.readFile(volumes[0].niftiPath));
  const timepoints = fourthDimension(bytes, env().INGEST_MAX_INFLATED_BYTES);
  if (timepoints > 1)
    return void (s.setAsideReason = `4D series (${timepoints} volumes over time, e.g. fMRI, DWI or perfusion): not a structural sequence`);
  try {
    const e = env();
    const parsed = parseUpload(`series ${s.seriesNumber ?? '?'}`, bytes, {
      maxFileBytes: e.INGEST_MAX_FILE_BYTES,
      maxInflatedBytes: e.INGEST_MAX_INFLATED_BYTES,
    });
    const stored = sanitizedCopy(parsed, 6);
    const { dims, spacing, datatype, affine } = parsed.volume;
    s.volume = {
      filename: parsed.filename,
      dims,
      spacing,
      datatype,
      affine,
      orientation: parsed.orientation,
      min: parsed.min,
      max: parsed.max,
      bytes: stored,
      sha256: createHash('sha256').update(stored).digest('hex'),
      warnings: parsed.volume.warnings ?? [],
    };
  } catch (err) {
    if (err instanceof ImagingValidationError) return void (s.setAsideReason = `the converted volume is unusable: ${err.message}`);
    throw err;
  }
  const c = classifySeries({ ...volumes[0].sidecar, SeriesDescription: volumes[0].sidecar.SeriesDescription ?? s.description }, rules);
  if (c.kind === 'sequence') s.proposedRole = c.role;
  else if (c.kind === 'set-aside') s.setAsideReason = c.reason;
}

/** dim[4] of a NIfTI-1 header in a gzipped file (the reader itself refuses 4D; here it is a reason, not an error). */
function fourthDimension(bytes: Uint8Array, maxInflatedBytes: number): number {
  const head = (isGzip(bytes) ? gunzipLimited(bytes, maxInflatedBytes) : bytes).subarray(0, 348);
  if (head.length < 348) return 1;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const little = view.getInt32(0, true) === 348;
  const ndim = view.getInt16(40, little);
  return ndim >= 4 ? view.getInt16(48, little) : 1;
}
