'use client';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import type { RunStatusDto } from '@/lib/server/workflows/queries';
import { cancelRunAction } from '@/lib/actions/runs';
import { fetchRunStatus, isLive } from './api';
import { ProgressBar } from './ProgressBar';
import { RunStatusBadge } from './RunStatusBadge';
import { RunCurves } from './RunCurves';

/** Progress bar, loss and validation curves, log tail and outcome of one run, polled every second while the run is queued or running. */
export function RunLive({ initial, canCancel }: { initial: RunStatusDto; canCancel: boolean }) {
  const router = useRouter();
  const { data } = useQuery({
    queryKey: ['run-status', initial.id],
    queryFn: () => fetchRunStatus(initial.id),
    initialData: initial,
    refetchInterval: (q) => (q.state.data && isLive(q.state.data.status) ? 1_000 : false),
    staleTime: 0,
  });
  const run = data ?? initial;
  const wasLive = useRef(isLive(initial.status));
  useEffect(() => {
    // The server-rendered summary (model link, timings) is refreshed once when the run ends.
    if (wasLive.current && !isLive(run.status)) router.refresh();
    wasLive.current = isLive(run.status);
  }, [run.status, router]);

  return (
    <section aria-label="Run progress" className="space-y-4">
      <div className="flex items-center gap-3">
        <span>Status:</span>
        <span data-testid="run-status">
          <RunStatusBadge status={run.status} />
        </span>
        {canCancel && isLive(run.status) && <CancelButton runId={run.id} />}
      </div>
      <ProgressBar value={run.progress} label="Training progress" />
      <RunCurves curve={run.curve} />
      {run.error && (
        <p role="alert" className="text-red-700">
          {run.error}
        </p>
      )}
      {run.resultModel && (
        <p>
          Registered model{' '}
          <Link className="text-blue-700 underline" href="/models">
            {run.resultModel.name}@{run.resultModel.version}
          </Link>{' '}
          ({run.resultModel.stage}); evaluation queued.
        </p>
      )}
      {run.externalUrl && (
        <p>
          External run:{' '}
          <a className="text-blue-700 underline" href={run.externalUrl} target="_blank" rel="noreferrer">
            {run.externalUrl}
          </a>
        </p>
      )}
      <LogView text={run.logTail} />
      {run.hasLog && (
        <a className="text-sm text-blue-700 underline" href={`/api/runs/${run.id}/log`}>
          Download the full log
        </a>
      )}
    </section>
  );
}

function LogView({ text }: { text: string }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight; // follow the newest lines
  }, [text]);
  return (
    <pre
      ref={ref}
      className="max-h-96 overflow-auto whitespace-pre-wrap rounded bg-slate-900 p-4 text-xs text-slate-100"
      aria-label="Run log"
    >
      {text || 'No output yet.'}
    </pre>
  );
}

function CancelButton({ runId }: { runId: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function onClick() {
    if (!window.confirm('Cancel this run? The trainer is stopped and no model is registered.')) return;
    setPending(true);
    const r = await cancelRunAction({ runId });
    setPending(false);
    if (!r.ok) setError(r.error.message);
  }
  return (
    <>
      <button
        type="button"
        onClick={onClick}
        disabled={pending}
        className="rounded border border-red-300 px-3 py-1 text-sm text-red-700 hover:bg-red-50 disabled:opacity-50"
      >
        {pending ? 'Cancelling…' : 'Cancel run'}
      </button>
      {error && (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      )}
    </>
  );
}
