'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { importModelUpload, type ImportOutcome } from '@/lib/client/import-model';
import { Options } from '@/components/ui/Options';

const FORMATS = [
  { value: 'monai-bundle', label: 'MONAI bundle (zip)' },
  { value: 'nnunet', label: 'nnU-Net v2 trained model (zip from nnUNetv2_export_model_to_zip)' },
  { value: 'onnx', label: 'ONNX file(s) + model card' },
] as const;

type Format = (typeof FORMATS)[number]['value'];
const input = 'rounded border border-slate-300 px-2 py-1';

/** The ML engineer's model import: a zip, or ONNX files and a card; a refusal shows the card field it names. */
export function ImportModelForm() {
  const router = useRouter();
  const [format, setFormat] = useState<Format>('onnx');
  const [progress, setProgress] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    for (const [key, value] of [...form.entries()]) if (value instanceof File && !value.size && !value.name) form.delete(key);
    setOutcome(null);
    setProgress(0);
    const result = await importModelUpload(form, setProgress);
    setProgress(null);
    setOutcome(result);
    if (result.ok) router.refresh();
  }

  return (
    <form onSubmit={onSubmit} aria-label="Import a model" className="max-w-3xl space-y-4 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <label className="block">
        <span className="block text-xs text-slate-500">Format</span>
        <select name="format" value={format} onChange={(e) => setFormat(e.target.value as Format)} className={input} aria-label="Format">
          <Options items={FORMATS} />
        </select>
      </label>
      <div className="grid grid-cols-2 gap-3">
        <input name="name" placeholder="Name (default: the card's)" aria-label="Name" className={input} />
        <input name="version" placeholder="Version, semver (default: the card's)" aria-label="Version" className={input} />
      </div>
      {format === 'onnx' ? (
        <div className="grid grid-cols-2 gap-3">
          <label className="block">
            <span className="block text-xs text-slate-500">ONNX file(s): an ensemble&apos;s members, named as the card names them</span>
            <input type="file" name="onnx" accept=".onnx" multiple required aria-label="ONNX files" />
          </label>
          <label className="block">
            <span className="block text-xs text-slate-500">Model card (card 2 JSON)</span>
            <input type="file" name="card" accept=".json,application/json" required aria-label="Model card" />
          </label>
        </div>
      ) : (
        <label className="block">
          <span className="block text-xs text-slate-500">Archive (.zip)</span>
          <input type="file" name="archive" accept=".zip,application/zip" required aria-label="Archive" />
        </label>
      )}
      <p className="text-xs text-slate-500">
        The card is checked against every ONNX graph (tensor names, channel counts, feature width, patch, ensemble members) before
        anything is stored. The model registers as a candidate; it reaches production through shadow, canary and a signed
        promotion.
      </p>
      {progress !== null && <progress className="w-full" value={progress} max={1} aria-label="Upload progress" />}
      <Result outcome={outcome} />
      <button type="submit" disabled={progress !== null} className="rounded bg-slate-900 px-3 py-1.5 text-white disabled:opacity-50">
        Import model
      </button>
    </form>
  );
}

function Result({ outcome }: { outcome: ImportOutcome | null }) {
  if (!outcome) return null;
  if (!outcome.ok)
    return (
      <div role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-red-800">
        <p className="font-medium">Import refused{outcome.field ? <> at <code data-testid="refused-field">{outcome.field}</code></> : null}: nothing was registered.</p>
        <p>{outcome.message}</p>
      </div>
    );
  const m = outcome.model!;
  return (
    <p role="status" className="text-emerald-700">
      {m.created ? 'Registered' : 'Already registered with the same files:'}{' '}
      <Link href={`/models/${m.id}`} className="underline">
        {m.name}@{m.version}
      </Link>{' '}
      as {m.stage.toLowerCase()}.{' '}
      <Link href="/models" className="underline">
        All models
      </Link>
    </p>
  );
}
