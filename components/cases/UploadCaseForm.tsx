'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { guessField, uploadCase } from '@/lib/client/upload-case';

const FIELDS = [
  { name: 't1n', label: 'T1 (native)' },
  { name: 't1c', label: 'T1 contrast-enhanced' },
  { name: 't2w', label: 'T2' },
  { name: 't2f', label: 'T2-FLAIR' },
  { name: 'mask', label: 'Reference mask (optional)' },
] as const;

export function UploadCaseForm() {
  const router = useRouter();
  const [files, setFiles] = useState<Record<string, File>>({});
  const [progress, setProgress] = useState<number | null>(null);
  const [message, setMessage] = useState<{ tone: 'error' | 'ok'; text: string; caseId?: string } | null>(null);

  function onDrop(e: React.DragEvent) {
    e.preventDefault();
    const next = { ...files };
    for (const f of Array.from(e.dataTransfer.files)) {
      const field = guessField(f.name);
      if (field) next[field] = f;
    }
    setFiles(next);
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const form = new FormData();
    const metadata = Object.fromEntries(
      ['caseId', 'site', 'scannerManufacturer', 'scannerModel', 'fieldStrength']
        .map((k) => [k, String(data.get(k) ?? '').trim()])
        .filter(([, v]) => v),
    );
    form.set('metadata', JSON.stringify(metadata));
    for (const [field, file] of Object.entries(files)) form.append(field, file, file.name);
    setMessage(null);
    setProgress(0);
    const res = await uploadCase(form, setProgress);
    setProgress(null);
    if (!res.ok) return setMessage({ tone: 'error', text: res.message ?? 'Upload failed' });
    setMessage({
      tone: 'ok',
      text: res.created ? 'Case received and queued for segmentation.' : 'These files were already ingested for this case.',
      caseId: res.caseId,
    });
    router.refresh();
  }

  return (
    <form
      onSubmit={onSubmit}
      onDragOver={(e) => e.preventDefault()}
      onDrop={onDrop}
      className="mb-6 space-y-3 rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm"
      aria-label="Upload a case"
    >
      <p className="font-medium">Upload a case — drop the NIfTI files here or choose them below.</p>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <input
          name="caseId"
          required
          placeholder="Pseudonymised case id"
          aria-label="Case id"
          className="rounded border border-slate-300 px-2 py-1"
        />
        <input name="site" placeholder="Site" aria-label="Site" className="rounded border border-slate-300 px-2 py-1" />
        <input
          name="scannerManufacturer"
          placeholder="Scanner manufacturer"
          aria-label="Scanner manufacturer"
          className="rounded border border-slate-300 px-2 py-1"
        />
        <input
          name="scannerModel"
          placeholder="Scanner model"
          aria-label="Scanner model"
          className="rounded border border-slate-300 px-2 py-1"
        />
        <input
          name="fieldStrength"
          placeholder="Field strength (T)"
          aria-label="Field strength"
          className="rounded border border-slate-300 px-2 py-1"
        />
      </div>
      <div className="grid grid-cols-1 gap-2 md:grid-cols-5">
        {FIELDS.map((f) => (
          <label key={f.name} className="block">
            <span className="block text-xs text-slate-500">{f.label}</span>
            <input
              type="file"
              accept=".nii,.nii.gz,.gz"
              aria-label={f.label}
              onChange={(e) => e.target.files?.[0] && setFiles({ ...files, [f.name]: e.target.files[0] })}
            />
            {files[f.name] && <span className="block truncate text-xs">{files[f.name].name}</span>}
          </label>
        ))}
      </div>
      {progress !== null && <progress className="w-full" value={progress} max={1} aria-label="Upload progress" />}
      {message && (
        <p role="status" className={message.tone === 'error' ? 'text-red-700' : 'text-emerald-700'}>
          {message.text}{' '}
          {message.caseId && (
            <Link href={`/cases/${message.caseId}`} className="underline">
              Open the case
            </Link>
          )}
        </p>
      )}
      <button type="submit" disabled={progress !== null} className="rounded bg-slate-900 px-3 py-1.5 text-white disabled:opacity-50">
        Upload case
      </button>
    </form>
  );
}
