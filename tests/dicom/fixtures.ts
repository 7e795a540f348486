/**
 * DICOM studies for the ingestion tests, written from the real GE 3D T1 series (../shared/data/dicom) by rewriting
 * header elements of copies: new Study/Series/SOP Instance UIDs, series number and description (so the rules see a
 * T1C, T2W or T2F), and known patient identifiers that the privacy test then looks for in every stored row and blob.
 * Pixel data stay the real scanner's. Explicit VR Little Endian only (what the GE files are).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as dicomParser from 'dicom-parser';

export const SHARED_DICOM = path.resolve(__dirname, '../../../shared/data/dicom');
export const GE_DIR = path.join(SHARED_DICOM, 'ge-3d-t1-mprage/dicom');
export const SIEMENS_DIR = path.join(SHARED_DICOM, 'siemens-xa10-enhanced/dicom');
export const GE_REFERENCE_SIDECAR = path.join(SHARED_DICOM, 'ge-3d-t1-mprage/dcm2niix-reference.json');

export interface Identifiers {
  PatientName: string;
  PatientID: string;
  PatientBirthDate: string;
  AccessionNumber: string;
  ReferringPhysicianName: string;
  InstitutionName: string;
}

export const KNOWN_IDENTIFIERS: Identifiers = {
  PatientName: 'Zyxwick^Quillon',
  PatientID: 'PID-7731942',
  PatientBirthDate: '19471103',
  AccessionNumber: 'ACC90317265',
  ReferringPhysicianName: 'Vexmoor^Alba',
  InstitutionName: 'Quarrington General',
};

const TAG = {
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  PatientBirthDate: 'x00100030',
  AccessionNumber: 'x00080050',
  ReferringPhysicianName: 'x00080090',
  InstitutionName: 'x00080080',
  StudyInstanceUID: 'x0020000d',
  SeriesInstanceUID: 'x0020000e',
  SOPInstanceUID: 'x00080018',
  MediaStorageSOPInstanceUID: 'x00020003',
  SeriesNumber: 'x00200011',
  SeriesDescription: 'x0008103e',
} as const;

export interface SeriesSpec {
  number: number;
  description: string;
  /** indices (in the source order: slice order for a slab) of files to leave out: a missing slice */
  drop?: number[];
  /** millimetres added to ImagePositionPatient x: the series lies on another grid */
  shiftMm?: number;
}

export const FOUR_SEQUENCES: SeriesSpec[] = [
  { number: 5, description: '3D Ax T1 MP-RAGE_R22' },
  { number: 6, description: 'Ax T1 POST GD MPRAGE' },
  { number: 7, description: 'Ax T2 FSE 3D' },
  { number: 8, description: 'Ax T2 FLAIR 3D' },
];

export function geFiles(): string[] {
  return fs
    .readdirSync(GE_DIR)
    .sort()
    .map((n) => path.join(GE_DIR, n));
}

/** `count` consecutive slices from the middle of the GE series (in slice order): a smaller, still contiguous volume. */
export function geSlab(count: number): string[] {
  const withZ = geFiles().map((f) => {
    const ds = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(f)), { untilTag: 'x7fe00010' });
    return { f, z: Number(ds.string('x00200032')!.split('\\')[2]) };
  });
  withZ.sort((a, b) => a.z - b.z);
  const start = Math.floor((withZ.length - count) / 2);
  return withZ.slice(start, start + count).map((x) => x.f);
}

/** Writes one study (`studyTag` makes its UIDs unique) with the given series into `outDir`; returns the file paths. */
export function writeStudy(
  outDir: string,
  studyTag: number,
  series: SeriesSpec[],
  opts: { ids?: Identifiers; slices?: number } = {},
): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const out: string[] = [];
  const ids = opts.ids ?? KNOWN_IDENTIFIERS;
  const sources = opts.slices ? geSlab(opts.slices) : geFiles();
  for (const s of series) {
    sources.forEach((src, k) => {
      if (s.drop?.includes(k)) return;
      const bytes = fs.readFileSync(src);
      const ds = dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: 'x7fe00010' });
      const uid = (tag: string, suffix: string) => `${ds.string(tag)}.${suffix}`;
      const sop = uid(TAG.SOPInstanceUID, `${studyTag}${s.number}`);
      const patched = patch(bytes, ds, {
        ...Object.fromEntries(Object.entries(ids).map(([k2, v]) => [TAG[k2 as keyof Identifiers], v])),
        [TAG.StudyInstanceUID]: uid(TAG.StudyInstanceUID, String(studyTag)),
        [TAG.SeriesInstanceUID]: uid(TAG.SeriesInstanceUID, `${studyTag}${s.number}`),
        [TAG.SOPInstanceUID]: sop,
        [TAG.MediaStorageSOPInstanceUID]: sop,
        [TAG.SeriesNumber]: String(s.number),
        [TAG.SeriesDescription]: s.description,
        ...(s.shiftMm ? { x00200032: shifted(ds.string('x00200032')!, s.shiftMm) } : {}),
      });
      const file = path.join(outDir, `s${studyTag}-${s.number}-${path.basename(src)}.dcm`);
      fs.writeFileSync(file, patched);
      out.push(file);
    });
  }
  return out;
}

function shifted(position: string, mm: number): string {
  const [x, y, z] = position.split('\\').map(Number);
  return [x + mm, y, z].map((v) => v.toFixed(4)).join('\\');
}

/** Replaces element values (explicit VR, 2-byte lengths), keeping the meta group length right. */
function patch(bytes: Buffer, ds: dicomParser.DataSet, values: Record<string, string>): Buffer {
  const edits = Object.entries(values)
    .map(([tag, value]) => ({ tag, el: ds.elements[tag], value: pad(value, tag) }))
    .filter((e) => e.el)
    .sort((a, b) => b.el.dataOffset - a.el.dataOffset);
  let buf = bytes;
  let metaDelta = 0;
  for (const { tag, el, value } of edits) {
    const header = Buffer.from(buf.subarray(el.dataOffset - 2, el.dataOffset));
    header.writeUInt16LE(value.length, 0);
    buf = Buffer.concat([buf.subarray(0, el.dataOffset - 2), header, value, buf.subarray(el.dataOffset + el.length)]);
    if (tag.startsWith('x0002')) metaDelta += value.length - el.length;
  }
  const group = ds.elements.x00020000;
  if (group && metaDelta) buf.writeUInt32LE(buf.readUInt32LE(group.dataOffset) + metaDelta, group.dataOffset);
  return buf;
}

function pad(value: string, tag: string): Buffer {
  const uid =
    tag === TAG.StudyInstanceUID || tag === TAG.SeriesInstanceUID || tag === TAG.SOPInstanceUID || tag === TAG.MediaStorageSOPInstanceUID;
  const text = value.length % 2 ? value + (uid ? '\0' : ' ') : value;
  return Buffer.from(text, 'latin1');
}
