'use client';
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { importFromMlflowAction } from '@/lib/actions/mlflow';
import type { ActionResult } from '@/lib/action-result';
import type { ImportedModel } from '@/lib/server/registry/import';

const input = 'rounded border border-slate-300 px-2 py-1';

/**
 * Imports a registered MLflow model version (`models:/<name>@<alias>` or `models:/<name>/<version>`) as a candidate.
 * Shown only when MLFLOW_TRACKING_URI is set; the server downloads the version's artefact folder and runs the same
 * card-against-graph checks as any import.
 */
export function MlflowImportForm({ trackingHost }: { trackingHost: string }) {
  const [pending, start] = useTransition();
  const [outcome, setOutcome] = useState<ActionResult<ImportedModel> | null>(null);

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (k: string) => String(form.get(k) ?? '');
    setOutcome(null);
    start(async () => setOutcome(await importFromMlflowAction({ uri: text('uri'), name: text('name'), version: text('version') })));
  }

  return (
    <form
      onSubmit={onSubmit}
      aria-label="Import from MLflow"
      className="mt-6 max-w-3xl space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
    >
      <h2 className="text-lg font-semibold">Import from MLflow</h2>
      <p className="text-xs text-slate-500">
        From the registry at <code>{trackingHost}</code>: the version&apos;s artefact folder must hold the ONNX file(s) and card.json.
      </p>
      <input
        name="uri"
        required
        placeholder="models:/<name>@<alias> or models:/<name>/<version>"
        aria-label="MLflow model URI"
        className={`${input} w-full`}
      />
      <div className="grid grid-cols-2 gap-3">
        <input name="name" placeholder="Name (default: the card's)" aria-label="Name for the MLflow import" className={input} />
        <input
          name="version"
          placeholder="Version, semver (default: the card's)"
          aria-label="Version for the MLflow import"
          className={input}
        />
      </div>
      {outcome && !outcome.ok && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-red-800">
          Import refused: {outcome.error.message}
        </p>
      )}
      {outcome?.ok && (
        <p role="status" className="text-emerald-700">
          {outcome.data.created ? 'Registered' : 'Already registered with the same files:'}{' '}
          <Link href={`/models/${outcome.data.id}`} className="underline">
            {outcome.data.name}@{outcome.data.version}
          </Link>{' '}
          as {outcome.data.stage.toLowerCase()}.
        </p>
      )}
      <button type="submit" disabled={pending} className="rounded bg-slate-900 px-3 py-1.5 text-white disabled:opacity-50">
        {pending ? 'Importing…' : 'Import from MLflow'}
      </button>
    </form>
  );
}
