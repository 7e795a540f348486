/**
 * Browser-side case upload to POST /api/cases. XMLHttpRequest rather than fetch because only XHR reports upload
 * progress, which matters for four ~10-50 MB volumes.
 */
export interface UploadOutcome {
  ok: boolean;
  status: number;
  caseId?: string;
  created?: boolean;
  message?: string;
}

export function uploadCase(form: FormData, onProgress: (fraction: number) => void): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/cases');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { caseId?: string; created?: boolean; error?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* non-JSON error page */
      }
      const ok = xhr.status >= 200 && xhr.status < 300;
      resolve({
        ok,
        status: xhr.status,
        caseId: body.caseId,
        created: body.created,
        message: ok ? undefined : (body.error?.message ?? `Upload failed (${xhr.status})`),
      });
    };
    xhr.onerror = () => resolve({ ok: false, status: 0, message: 'Network error: the upload did not reach the server.' });
    xhr.send(form);
  });
}

/** Guess the modality field from a file name (BraTS 2023 and 2020 suffixes, or bare names like flair.nii.gz). */
export function guessField(filename: string): string | null {
  const m = filename.toLowerCase().match(/(?:^|[-_])([a-z0-9]+)\.nii(\.gz)?$/);
  const suffix = m?.[1] ?? '';
  const map: Record<string, string> = {
    t1n: 't1n',
    t1: 't1n',
    t1c: 't1c',
    t1ce: 't1c',
    t2w: 't2w',
    t2: 't2w',
    t2f: 't2f',
    flair: 't2f',
    seg: 'mask',
    mask: 'mask',
  };
  return map[suffix] ?? null;
}
