/**
 * Browser-side DICOM upload to POST /api/dicom/uploads (zips, or every file of a chosen folder). XMLHttpRequest for
 * upload progress, as the NIfTI upload does.
 */
export interface DicomUploadStudy {
  status: 'created' | 'needs-decision' | 'unchanged' | 'refused';
  caseId: string | null;
  externalId: string | null;
  reason: string | null;
  series: { seriesNumber: number | null; description: string; role: string | null; setAsideReason: string | null }[];
  failedInstances: number;
}

export interface DicomUploadOutcome {
  ok: boolean;
  status: number;
  studies: DicomUploadStudy[];
  ignored: { file: string; reason: string }[];
  message?: string;
}

export function uploadDicom(files: File[], onProgress: (fraction: number) => void): Promise<DicomUploadOutcome> {
  const form = new FormData();
  for (const f of files) form.append('dicom', f, f.name);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/dicom/uploads');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { studies?: DicomUploadStudy[]; ignored?: DicomUploadOutcome['ignored']; error?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* non-JSON error page */
      }
      const ok = xhr.status >= 200 && xhr.status < 300;
      const refusal = body.studies
        ?.map((s) => s.reason)
        .filter(Boolean)
        .join('; ');
      resolve({
        ok,
        status: xhr.status,
        studies: body.studies ?? [],
        ignored: body.ignored ?? [],
        message: ok ? undefined : (body.error?.message ?? (refusal || `Upload failed (${xhr.status})`)),
      });
    };
    xhr.onerror = () =>
      resolve({ ok: false, status: 0, studies: [], ignored: [], message: 'Network error: the upload did not reach the server.' });
    xhr.send(form);
  });
}
