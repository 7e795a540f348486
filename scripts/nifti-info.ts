/**
 * Prints one JSON object describing a NIfTI file: dims, spacing (mm), datatype, orientation code, 4x4 affine,
 * data min/max. Exits 1 with the validation message on a file the upload validator would refuse.
 *   tsx --conditions=react-server scripts/nifti-info.ts <file.nii[.gz]>
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ImagingValidationError } from '@/lib/server/imaging/errors';
import { parseUpload } from '@/lib/server/imaging/validate-file';

async function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: nifti-info <file.nii[.gz]>');
    process.exit(2);
  }
  const bytes = new Uint8Array(await readFile(file));
  const parsed = parseUpload(path.basename(file), bytes, { maxFileBytes: Infinity, maxInflatedBytes: 2 * 1024 ** 3 });
  const v = parsed.volume;
  const affine = [0, 1, 2, 3].map((r) => v.affine.slice(r * 4, r * 4 + 4));
  console.log(
    JSON.stringify({
      file,
      niftiVersion: v.header.version,
      dims: v.dims,
      spacing: v.spacing,
      datatype: v.datatype,
      scaled: v.scaled,
      orientation: parsed.orientation,
      affineSource: v.affineSource,
      qformCode: v.header.qformCode,
      sformCode: v.header.sformCode,
      affine,
      min: parsed.min,
      max: parsed.max,
      extensions: v.header.extensions.length,
    }),
  );
}

main().catch((err) => {
  console.error(
    err instanceof ImagingValidationError ? `invalid NIfTI (${err.status}): ${err.message}` : `error: ${(err as Error).message}`,
  );
  process.exit(1);
});
