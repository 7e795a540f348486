import 'server-only';
import { AppError } from '../errors';

const isDicom = (b: Uint8Array) => b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d; // "DICM"
const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/**
 * For the NIfTI routes: DICOM (or a zip) sent where NIfTI volumes are expected gets a 415 that says where DICOM goes,
 * instead of "not a NIfTI file: wrong header size".
 */
export function refuseDicomAsNifti(files: { filename: string; bytes: Uint8Array }[]): void {
  const f = files.find((x) => isDicom(x.bytes) || isZip(x.bytes));
  if (!f) return;
  const what = isZip(f.bytes) ? 'a zip file' : 'a DICOM file';
  throw new AppError(
    'UNSUPPORTED_MEDIA',
    `${f.filename}: ${what}; this endpoint takes NIfTI volumes (t1n, t1c, t2w, t2f). Send DICOM by STOW-RS to /dicomweb/studies, ` +
      'or as a zip or folder to /api/dicom/uploads (the DICOM upload on the Cases page, or npm run ingest <folder>).',
  );
}
