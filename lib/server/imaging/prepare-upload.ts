import 'server-only';
import { uploadRole, type CaseModality } from './validate';
import { alignUploadGrids, type AlignedUpload } from './coregister-upload';
import { skullStrip, skullStripStep, strippedNote } from './skull-strip';

export interface PreparedUpload<F> extends AlignedUpload<F> {
  /** per stripped sequence: the note its Volume.warnings keep (empty: no skull-stripping step configured) */
  stripped: Partial<Record<CaseModality, string>>;
}

/**
 * THE preprocessing step every case's sequences pass before they are validated and stored, for NIfTI uploads
 * (lib/server/cases/ingest.ts) and DICOM studies (lib/server/dicom/case.ts) alike: co-registration onto one grid,
 * then the configured skull-stripping (after registration, so every stripped volume is already on the case grid).
 * The mask is never stripped: it is the radiologist's, on the reference grid. Sequences are stripped one after the
 * other: stripping tools are heavy and the machine's cores are shared with inference.
 */
export async function prepareUpload<F extends { field: string; filename: string; bytes: Uint8Array }>(
  files: F[],
  opts: { signal?: AbortSignal } = {},
): Promise<PreparedUpload<F>> {
  const aligned = await alignUploadGrids(files, opts);
  const step = skullStripStep();
  if (!step) return { ...aligned, stripped: {} };
  const stripped: PreparedUpload<F>['stripped'] = {};
  const out: F[] = [];
  for (const f of aligned.files) {
    const role = uploadRole(f.field);
    if (!role || role === 'MASK') {
      out.push(f);
      continue;
    }
    out.push({ ...f, bytes: await skullStrip(step, role, f.bytes) });
    stripped[role] = strippedNote(step);
  }
  return { files: out, registrations: aligned.registrations, stripped };
}
