import 'server-only';
import fs from 'node:fs/promises';
import path from 'node:path';
import * as dicomParser from 'dicom-parser';
import { frameGeometry, type FrameGeometry } from './frames';

/**
 * Reads the header of each received file (never its pixel data) to group instances into studies and series, answer
 * STOW-RS per instance, and check what dcm2niix would otherwise only warn about (a missing slice, an unsupported
 * compression). dicom-parser reads DICOM Part 10 (the 128-byte preamble and "DICM"), which is what STOW-RS, a PACS
 * export and a scanner's media carry.
 */

export interface DicomInstance {
  file: string;
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyUid: string;
  seriesUid: string;
  seriesNumber: number | null;
  seriesDescription: string;
  modality: string;
  numberOfFrames: number;
  /** ImagePositionPatient and ImageOrientationPatient of a single-frame image (null in multi-frame objects) */
  position: number[] | null;
  orientation: number[] | null;
  /** per-frame positions and the orientation of a multi-frame object (frames.ts; null for a single frame) */
  frames?: FrameGeometry | null;
  /** identifying attributes, kept in memory for pseudonyms and the encrypted references only */
  patient: PatientStudyModule;
  frameOfReferenceUid: string;
}

/** What a DICOM SEG needs to copy to sit in the same study (PS3.3 C.7.1.1, C.7.2.1). */
export interface PatientStudyModule {
  PatientName: string;
  PatientID: string;
  PatientBirthDate: string;
  PatientSex: string;
  StudyDate: string;
  StudyTime: string;
  AccessionNumber: string;
  ReferringPhysicianName: string;
  StudyID: string;
}

export type ScanResult = { ok: true; instance: DicomInstance } | { ok: false; file: string; reason: string };

const TAGS = {
  transferSyntax: 'x00020010',
  sopClass: 'x00080016',
  sopInstance: 'x00080018',
  study: 'x0020000d',
  series: 'x0020000e',
  seriesNumber: 'x00200011',
  seriesDescription: 'x0008103e',
  modality: 'x00080060',
  frames: 'x00280008',
  position: 'x00200032',
  orientation: 'x00200037',
  frameOfReference: 'x00200052',
} as const;

const PATIENT_STUDY_TAGS: Record<keyof PatientStudyModule, string> = {
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  PatientBirthDate: 'x00100030',
  PatientSex: 'x00100040',
  StudyDate: 'x00080020',
  StudyTime: 'x00080030',
  AccessionNumber: 'x00080050',
  ReferringPhysicianName: 'x00080090',
  StudyID: 'x00200010',
};

/** Media Storage Directory (DICOMDIR): an index of a disc, not an image. */
const DICOMDIR_CLASS = '1.2.840.10008.1.3.10';

export async function scanFile(file: string): Promise<ScanResult> {
  const name = path.basename(file);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    return { ok: false, file, reason: `${name}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM')
    return { ok: false, file, reason: `${name}: not a DICOM file (no "DICM" marker at byte 128)` };
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
  } catch (e) {
    return { ok: false, file, reason: `${name}: unreadable DICOM header (${e instanceof Error ? e.message : String(e)})` };
  }
  const str = (tag: string) => (ds.string(tag) ?? '').trim();
  const sopClassUid = str(TAGS.sopClass);
  if (sopClassUid === DICOMDIR_CLASS) return { ok: false, file, reason: `${name}: a DICOMDIR index, not an image` };
  const required = { sopInstanceUid: str(TAGS.sopInstance), studyUid: str(TAGS.study), seriesUid: str(TAGS.series) };
  const missing = Object.entries(required).filter(([, v]) => !v);
  if (missing.length || !sopClassUid)
    return {
      ok: false,
      file,
      reason: `${name}: DICOM header lacks ${[...missing.map(([k]) => k), ...(sopClassUid ? [] : ['sopClassUid'])].join(', ')}`,
    };
  const patient = Object.fromEntries(Object.entries(PATIENT_STUDY_TAGS).map(([k, tag]) => [k, str(tag)])) as unknown as PatientStudyModule;
  const seriesNumber = Number.parseInt(str(TAGS.seriesNumber), 10);
  return {
    ok: true,
    instance: {
      file,
      transferSyntaxUid: str(TAGS.transferSyntax),
      sopClassUid,
      ...required,
      seriesNumber: Number.isFinite(seriesNumber) ? seriesNumber : null,
      seriesDescription: str(TAGS.seriesDescription),
      modality: str(TAGS.modality),
      numberOfFrames: Math.max(1, Number.parseInt(str(TAGS.frames), 10) || 1),
      position: numbers(str(TAGS.position), 3),
      orientation: numbers(str(TAGS.orientation), 6),
      frames: frameGeometry(ds),
      patient,
      frameOfReferenceUid: str(TAGS.frameOfReference),
    },
  };
}

function numbers(text: string, n: number): number[] | null {
  const v = text.split('\\').map(Number);
  return v.length === n && v.every(Number.isFinite) ? v : null;
}

/** Scans files a few at a time: bounded memory (one header each), and the disk kept busy. */
export async function scanFiles(files: string[], concurrency = 8): Promise<ScanResult[]> {
  const results: ScanResult[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) results[i] = await scanFile(files[i]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return results;
}
