'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { startTrainingRunAction } from '@/lib/actions/runs';

export interface StartRunOptions {
  configs: readonly string[];
  runners: { value: string; label: string; available: boolean }[];
  production: { name: string; version: string; preset: string | null } | null;
}

const field = 'rounded border border-slate-300 px-2 py-1';

/** Starts a training run by hand; the server decides what is allowed (the options here are only a guide). */
export function StartRunForm({ options }: { options: StartRunOptions }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.currentTarget).entries());
    setPending(true);
    setError(null);
    const r = await startTrainingRunAction(form);
    setPending(false);
    if (r.ok) return router.push(`/runs/${r.data.runId}`);
    setError(r.error.message);
    setFieldErrors(r.error.fieldErrors ?? {});
  }

  const p = options.production;
  return (
    <form
      onSubmit={onSubmit}
      className="mb-8 grid max-w-3xl grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4"
      aria-label="Start a training run"
    >
      <h2 className="col-span-2 text-lg font-semibold">Start a training run</h2>
      <label className="flex flex-col gap-1 text-sm">
        Start from
        <select name="init" defaultValue={p ? 'production' : 'scratch'} className={field}>
          <option value="production" disabled={!p}>
            {p ? `Production model ${p.name}@${p.version} (fine-tune)` : 'Production model (none yet)'}
          </option>
          <option value="scratch">A new network (from scratch)</option>
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Configuration preset
        <select name="config" defaultValue="" className={field}>
          <option value="">{p?.preset ? `As the parent (${p.preset}) or default` : 'default'}</option>
          {options.configs.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Epochs (blank: the preset&apos;s)
        <input name="epochs" type="number" min={1} max={1000} className={field} />
        {fieldErrors.epochs && <span className="text-red-700">{fieldErrors.epochs.join(', ')}</span>}
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Steps per epoch (blank: the preset&apos;s)
        <input name="stepsPerEpoch" type="number" min={1} className={field} />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Runner
        <select name="runner" defaultValue="LOCAL" className={field}>
          {options.runners.map((r) => (
            <option key={r.value} value={r.value} disabled={!r.available}>
              {r.label}
              {r.available ? '' : ' (not configured)'}
            </option>
          ))}
        </select>
      </label>
      <div className="col-span-2 flex items-center gap-4">
        <button type="submit" disabled={pending} className="rounded bg-blue-700 px-4 py-2 text-white disabled:opacity-50">
          {pending ? 'Starting…' : 'Start training'}
        </button>
        {error && (
          <p role="alert" className="text-red-700">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
