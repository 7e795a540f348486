'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { uploadDicom, type DicomUploadOutcome } from '@/lib/client/upload-dicom';

const STATUS_TEXT = {
  created: 'case created',
  'needs-decision': 'waits for a decision',
  unchanged: 'received before, unchanged',
  refused: 'refused',
} as const;

/** A zip of DICOM files, or a folder of them: converted, classified, and made a case (or left waiting for a person). */
export function UploadDicomForm() {
  const router = useRouter();
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<DicomUploadOutcome | null>(null);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setOutcome(null);
    setProgress(0);
    const r = await uploadDicom(files, setProgress);
    setProgress(null);
    setOutcome(r);
    if (r.ok) router.refresh();
  }

  return (
    <form onSubmit={onSubmit} aria-label="Upload DICOM" className="mb-6 space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <p className="font-medium">Upload a DICOM study</p>
      <div className="flex flex-wrap items-center gap-4">
        <label className="flex items-center gap-2">
          Zip file(s)
          <input
            type="file"
            accept=".zip,application/zip"
            multiple
            aria-label="DICOM zip"
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
        </label>
        <label className="flex items-center gap-2">
          or a folder
          <input
            type="file"
            aria-label="DICOM folder"
            multiple
            {...({ webkitdirectory: '' } as Record<string, string>)}
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
        </label>
        <button
          type="submit"
          disabled={!files.length || progress !== null}
          className="rounded bg-blue-700 px-3 py-1.5 text-white disabled:opacity-50"
        >
          {progress !== null
            ? `Uploading ${Math.round(progress * 100)}%…`
            : `Upload ${files.length || ''} file${files.length === 1 ? '' : 's'}`}
        </button>
      </div>
      {outcome && !outcome.ok && (
        <p role="alert" className="text-red-700">
          {outcome.message}
        </p>
      )}
      {outcome && outcome.studies.length > 0 && (
        <ul role="status" className="space-y-1">
          {outcome.studies.map((s, i) => (
            <li key={i}>
              Study {i + 1}: {STATUS_TEXT[s.status]}
              {s.caseId && (
                <>
                  {' '}
                  <Link className="text-blue-700 underline" href={`/cases/${s.caseId}`}>
                    {s.externalId ?? 'open the case'}
                  </Link>
                </>
              )}
              {s.reason && <> ({s.reason})</>}
              {s.status === 'needs-decision' && (
                <>
                  {' '}
                  <Link className="text-blue-700 underline" href="/dicom/decisions">
                    assign its series
                  </Link>
                </>
              )}
              <ul className="ml-4 text-slate-600">
                {s.series
                  .filter((x) => x.setAsideReason)
                  .map((x, j) => (
                    <li key={j}>
                      series {x.seriesNumber ?? '?'} “{x.description}” set aside: {x.setAsideReason}
                    </li>
                  ))}
              </ul>
            </li>
          ))}
          {outcome.ignored.length > 0 && (
            <li className="text-slate-600">
              {outcome.ignored.length} file(s) ignored: not DICOM images (e.g. {outcome.ignored[0].reason})
            </li>
          )}
        </ul>
      )}
    </form>
  );
}
