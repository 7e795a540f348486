import { db } from '@/lib/server/db';
import type { TestMlflow } from '../support/mlflow';

/** The mirror tests' own reads of the MLflow server (its REST API directly, independent of lib/server/mlflow/client.ts). */
export type Run = {
  info: { run_id: string; status: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
};

export function mlflowReads(server: () => TestMlflow) {
  const api = <T>(method: string, route: string, body?: unknown) => server().api<T>(method, route, body);
  const q = (s: string) => encodeURIComponent(s);
  async function runsTagged(key: string, value: string): Promise<Run[]> {
    const exps = await api<{ experiments?: { experiment_id: string }[] }>('POST', '/api/2.0/mlflow/experiments/search', {
      max_results: 100,
    });
    const r = await api<{ runs?: Run[] }>('POST', '/api/2.0/mlflow/runs/search', {
      experiment_ids: (exps.experiments ?? []).map((e) => e.experiment_id),
      filter: `tags.\`${key}\` = '${value}'`,
    });
    return r.runs ?? [];
  }
  const history = async (runId: string, key: string) =>
    (
      await api<{ metrics?: { step: number; value: number }[] }>(
        'GET',
        `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${q(key)}`,
      )
    ).metrics ?? [];
  const artefacts = async (runId: string) =>
    (await api<{ files?: { path: string; file_size?: number }[] }>('GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}`)).files ?? [];
  const alias = async (name: string, a: string) =>
    api<{ model_version: { version: string } }>('GET', `/api/2.0/mlflow/registered-models/alias?name=${q(name)}&alias=${a}`)
      .then((r) => r.model_version.version)
      .catch(() => null);
  const versionOf = async (modelVersionId: string) =>
    (await db().mlflowLink.findUniqueOrThrow({ where: { entityKind_entityId: { entityKind: 'model-version', entityId: modelVersionId } } }))
      .modelVersion;
  const tagOf = (run: Run, key: string) => run.data.tags?.find((t) => t.key === key)?.value;
  return { q, runsTagged, history, artefacts, alias, versionOf, tagOf };
}
