/**
 * Browser-side model import to POST /api/models/import. XMLHttpRequest rather than fetch because only XHR reports
 * upload progress, which matters for a model archive of hundreds of MB.
 */
export interface ImportOutcome {
  ok: boolean;
  status: number;
  model?: { id: string; name: string; version: string; stage: string; created: boolean };
  message?: string;
  /** the card (or form) field a refusal names */
  field?: string;
}

export function importModelUpload(form: FormData, onProgress: (fraction: number) => void): Promise<ImportOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/models/import');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: ImportOutcome['model'] & { error?: { message?: string; fieldErrors?: Record<string, string[]> } } = {} as never;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* non-JSON error page */
      }
      const ok = xhr.status >= 200 && xhr.status < 300;
      if (ok) return resolve({ ok, status: xhr.status, model: body });
      const field = Object.keys(body?.error?.fieldErrors ?? {})[0];
      resolve({ ok, status: xhr.status, message: body?.error?.message ?? `Import failed (${xhr.status})`, field });
    };
    xhr.onerror = () => resolve({ ok: false, status: 0, message: 'Network error: the upload did not reach the server.' });
    xhr.send(form);
  });
}
