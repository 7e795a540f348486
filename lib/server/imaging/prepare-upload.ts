import 'server-only';
import { uploadRole, type CaseModality } from './validate';
import { alignUploadGrids, type AlignedUpload } from './coregister-upload';
import { skullStrip, skullStripStep, strippedNote } from './skull-strip';
import { alreadyStrippedNote, strippedEvidence, type StrippedEvidence } from './already-stripped';
import { readNifti } from './nifti';
import { env } from '../env';

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
  if (!step) return { ...aligned, stripped: detectStripped(aligned.files) };
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

/**
 * With no stripping step configured: the sequences that arrived already stripped get a note saying so, so that the
 * case page and the drift check do not call them unstripped. A file that does not decode is left to validation,
 * which runs next and refuses it with its own message.
 */
function detectStripped(files: { field: string; bytes: Uint8Array }[]): PreparedUpload<unknown>['stripped'] {
  const stripped: PreparedUpload<unknown>['stripped'] = {};
  for (const f of files) {
    const role = uploadRole(f.field);
    if (!role || role === 'MASK') continue;
    let evidence: StrippedEvidence;
    try {
      evidence = strippedEvidence(readNifti(f.bytes, { maxInflatedBytes: env().INGEST_MAX_INFLATED_BYTES }));
    } catch {
      continue;
    }
    if (evidence.stripped) stripped[role] = alreadyStrippedNote(evidence);
  }
  return stripped;
}
