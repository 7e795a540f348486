import type { MlflowStatusDto } from '@/lib/server/mlflow/queries';

/**
 * The model page's MLflow panel: links to the mirrored run and registered version, and a warning while a mirror
 * waits after a failed attempt (MLflow down or answering errors). The clinical record is never affected by it.
 */
export function MlflowStatus({ status }: { status: MlflowStatusDto }) {
  return (
    <div className="space-y-2 text-sm" data-mlflow-status>
      {status.problems.length > 0 && (
        <div role="alert" className="rounded border border-amber-400 bg-amber-50 p-3 text-amber-900" data-mlflow-warning>
          <p className="font-medium">
            MLflow mirror delayed: {status.problems.length} update(s) not yet delivered. TumorWatch is unaffected.
          </p>
          <ul className="mt-1 list-disc pl-5">
            {status.problems.map((p, i) => (
              <li key={i}>
                {p.kind}: {p.attempts} attempt(s), next at {p.nextAttemptAt.slice(0, 19).replace('T', ' ')} UTC — {p.lastError}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p>
        {status.version ? (
          <a className="text-blue-700 underline" href={status.version} target="_blank" rel="noreferrer">
            MLflow registered version
          </a>
        ) : (
          'Not yet in the MLflow registry.'
        )}
        {status.run && (
          <>
            {' · '}
            <a className="text-blue-700 underline" href={status.run} target="_blank" rel="noreferrer">
              MLflow training run
            </a>
          </>
        )}
      </p>
    </div>
  );
}
