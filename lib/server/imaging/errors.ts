import 'server-only';

/** Why a byte buffer could not be read as a NIfTI volume; validation maps each kind to an HTTP status. */
export type NiftiErrorKind =
  'not-nifti' | 'corrupt-gzip' | 'truncated' | 'too-large' | 'bad-header' | 'dims-mismatch' | 'not-3d' | 'unsupported-datatype';

export class NiftiError extends Error {
  constructor(
    readonly kind: NiftiErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'NiftiError';
  }
}

/** HTTP status that a reader failure maps to when it surfaces through an upload. */
export const NIFTI_ERROR_STATUS: Record<NiftiErrorKind, 400 | 413 | 415 | 422> = {
  'not-nifti': 415,
  'unsupported-datatype': 415,
  'too-large': 413,
  'corrupt-gzip': 422,
  truncated: 422,
  'bad-header': 422,
  'dims-mismatch': 422,
  'not-3d': 422,
};

/** An upload rejected for a reason the user can fix; `file` names the offending upload. */
export class ImagingValidationError extends Error {
  constructor(
    readonly status: 400 | 413 | 415 | 422,
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImagingValidationError';
  }
}
