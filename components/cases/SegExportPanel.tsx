'use client';
import { useState, useTransition } from 'react';
import { exportCaseSeg, sendCaseSeg } from '@/lib/actions/pacs';
import type { SegExportDto } from '@/lib/server/dicom/seg/queries';

export interface SegExportPanelProps {
  caseId: string;
  exports: SegExportDto[];
  fromDicom: boolean;
  hasPrediction: boolean;
  hasApprovedLabel: boolean;
  /** a PACS is configured: "Send to PACS" is offered */
  pacs: boolean;
}

/** DICOM SEG of the shown prediction or the approved label: each export a new series, downloadable and sendable. */
export function SegExportPanel({ caseId, exports, fromDicom, hasPrediction, hasApprovedLabel, pacs }: SegExportPanelProps) {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const run = (fn: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>, done: string) =>
    startTransition(async () => {
      const r = await fn();
      setMessage(r.ok ? { ok: true, text: done } : { ok: false, text: r.error.message });
    });

  if (!fromDicom)
    return <p className="mb-4 text-sm text-slate-500">DICOM SEG: not available, the case was not received as DICOM (no source series).</p>;
  return (
    <section aria-label="DICOM SEG" className="mb-4 space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 className="font-medium">DICOM SEG</h2>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={pending || !hasPrediction}
          onClick={() => run(() => exportCaseSeg({ caseId, source: 'PREDICTION' }), 'Prediction exported as a new SEG series.')}
          className="rounded border border-slate-300 px-3 py-1 disabled:opacity-50"
        >
          Export prediction as DICOM SEG
        </button>
        <button
          type="button"
          disabled={pending || !hasApprovedLabel}
          onClick={() => run(() => exportCaseSeg({ caseId, source: 'LABEL' }), 'Approved label exported as a new SEG series.')}
          className="rounded border border-slate-300 px-3 py-1 disabled:opacity-50"
        >
          Export approved label as DICOM SEG
        </button>
      </div>
      {exports.length > 0 && (
        <ul className="divide-y divide-slate-100" aria-label="SEG exports">
          {exports.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center gap-3 py-1">
              <span>
                {e.source === 'LABEL' ? 'Approved label' : 'Prediction'} · {new Date(e.createdAt).toLocaleString()}
              </span>
              <a className="text-blue-700 underline" href={`/api/cases/${caseId}/seg/${e.id}`}>
                Download DICOM SEG
              </a>
              {pacs && (
                <button
                  type="button"
                  disabled={pending}
                  onClick={() => run(() => sendCaseSeg({ caseId, exportId: e.id }), 'Stored in the PACS as a new series.')}
                  className="text-blue-700 underline disabled:opacity-50"
                >
                  Send to PACS
                </button>
              )}
              <span className="text-xs text-slate-500">
                {e.sentAt ? `in the PACS since ${new Date(e.sentAt).toLocaleString()}` : e.pacsError ? `not stored: ${e.pacsError}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'text-emerald-700' : 'text-red-700'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
