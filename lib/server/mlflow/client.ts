import 'server-only';

/**
 * A small client for MLflow's REST API (2.x and 3.x): only the calls the mirror needs. Every object the mirror creates
 * carries the outbox key as the tag `tumorwatch.outbox_key`, and each create first looks that key up, so a retry
 * after a crash between "created" and "recorded as done" finds the object instead of creating it twice.
 */
export const KEY_TAG = 'tumorwatch.outbox_key';
const TIMEOUT_MS = 15_000;

export class MlflowError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'MlflowError';
  }
}

export type Tag = { key: string; value: string };
export interface MlflowRun {
  runId: string;
  experimentId: string;
  artifactUri: string;
}

export class MlflowClient {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, route: string, body?: unknown, query?: Record<string, string>): Promise<T> {
    const url = new URL(`/api/2.0/mlflow/${route}`, this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    if (!res.ok) {
      let code: string | undefined;
      try {
        code = (JSON.parse(text) as { error_code?: string }).error_code;
      } catch {
        /* not JSON: keep the text */
      }
      throw new MlflowError(`MLflow ${method} ${route}: ${res.status} ${text.slice(0, 300)}`, res.status, code);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** The experiment's id, created when it does not exist yet (experiment names are unique in MLflow). */
  async experimentId(name: string): Promise<string> {
    try {
      const r = await this.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', undefined, {
        experiment_name: name,
      });
      return r.experiment.experiment_id;
    } catch (e) {
      if (!(e instanceof MlflowError) || e.code !== 'RESOURCE_DOES_NOT_EXIST') throw e;
    }
    const r = await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name });
    return r.experiment_id;
  }

  /** The run tagged with this outbox key in the experiment, or a new one carrying the key and the tags. */
  async ensureRun(experimentId: string, key: string, runName: string, tags: Tag[]): Promise<MlflowRun> {
    const found = await this.call<{ runs?: { info: RunInfo }[] }>('POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter: `tags.\`${KEY_TAG}\` = '${key.replace(/'/g, '')}'`,
      max_results: 1,
    });
    const info =
      found.runs?.[0]?.info ??
      (
        await this.call<{ run: { info: RunInfo } }>('POST', 'runs/create', {
          experiment_id: experimentId,
          run_name: runName,
          start_time: Date.now(),
          tags: [...tags, { key: KEY_TAG, value: key }],
        })
      ).run.info;
    return { runId: info.run_id, experimentId: info.experiment_id, artifactUri: info.artifact_uri };
  }

  /** Params, metrics and tags in one call; re-logging the same param value is accepted by MLflow (a retry is harmless). */
  async logBatch(runId: string, batch: { params?: Tag[]; metrics?: Metric[]; tags?: Tag[] }): Promise<void> {
    await this.call('POST', 'runs/log-batch', {
      run_id: runId,
      params: batch.params ?? [],
      metrics: batch.metrics ?? [],
      tags: batch.tags ?? [],
    });
  }

  async finishRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, status, end_time: Date.now() });
  }

  /** The run's metric history (for a retry: only metrics not logged yet are sent again). */
  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    const r = await this.call<{ metrics?: Metric[] }>('GET', 'metrics/get-history', undefined, { run_id: runId, metric_key: key });
    return r.metrics ?? [];
  }

  /**
   * Uploads one artefact through the tracking server's proxied artefact API (`mlflow server --serve-artifacts`, the
   * default), under the run's artifact_uri `mlflow-artifacts:/<exp>/<run>/artifacts`. A PUT overwrites: idempotent.
   */
  async uploadArtifact(run: MlflowRun, relPath: string, data: Uint8Array): Promise<void> {
    const prefix = 'mlflow-artifacts:';
    if (!run.artifactUri.startsWith(prefix))
      throw new MlflowError(
        `run ${run.runId} stores artefacts at ${run.artifactUri}: only a server with --serve-artifacts is supported`,
        0,
      );
    const root = run.artifactUri.slice(prefix.length).replace(/^\/+/, '');
    const url = new URL(`/api/2.0/mlflow-artifacts/artifacts/${root}/${relPath}`, this.baseUrl);
    const res = await fetch(url, { method: 'PUT', body: new Uint8Array(data), signal: AbortSignal.timeout(TIMEOUT_MS * 4) });
    if (!res.ok) throw new MlflowError(`MLflow PUT artefact ${relPath}: ${res.status} ${(await res.text()).slice(0, 300)}`, res.status);
  }

  async ensureRegisteredModel(name: string): Promise<void> {
    try {
      await this.call('POST', 'registered-models/create', { name, tags: [{ key: 'tumorwatch', value: 'true' }] });
    } catch (e) {
      if (!(e instanceof MlflowError) || e.code !== 'RESOURCE_ALREADY_EXISTS') throw e;
    }
  }

  /** The version of `name` tagged with this key, or a new one from `source` (a run's artefact folder). */
  async ensureModelVersion(name: string, key: string, source: string, runId: string, tags: Tag[]): Promise<string> {
    const found = await this.call<{ model_versions?: { version: string; tags?: Tag[] }[] }>('GET', 'model-versions/search', undefined, {
      filter: `name = '${name.replace(/'/g, '')}'`,
      max_results: '1000',
    });
    const hit = found.model_versions?.find((v) => v.tags?.some((t) => t.key === KEY_TAG && t.value === key));
    if (hit) return hit.version;
    const r = await this.call<{ model_version: { version: string } }>('POST', 'model-versions/create', {
      name,
      source,
      run_id: runId,
      tags: [...tags, { key: KEY_TAG, value: key }],
    });
    return r.model_version.version;
  }

  /** Sets (overwrites) a tag of a registered version: a retry writes the same value again. */
  async setModelVersionTag(name: string, version: string, tag: Tag): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { name, version, key: tag.key, value: tag.value });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  /** Removes an alias; one that is already absent counts as removed (a retry). */
  async deleteAlias(name: string, alias: string): Promise<void> {
    try {
      await this.call('DELETE', 'registered-models/alias', { name, alias }, { name, alias });
    } catch (e) {
      if (!(e instanceof MlflowError) || (e.code !== 'RESOURCE_DOES_NOT_EXIST' && e.status !== 404)) throw e;
    }
  }

  /** A registered version (by number, or by alias) with its artefact source. */
  async modelVersion(
    name: string,
    ref: { version: string } | { alias: string },
  ): Promise<{ version: string; source: string; runId: string }> {
    const r =
      'alias' in ref
        ? await this.call<{ model_version: VersionInfo }>('GET', 'registered-models/alias', undefined, { name, alias: ref.alias })
        : await this.call<{ model_version: VersionInfo }>('GET', 'model-versions/get', undefined, { name, version: ref.version });
    return { version: r.model_version.version, source: r.model_version.source, runId: r.model_version.run_id ?? '' };
  }

  /** A run's artefact root (to resolve a `runs:/<id>/<path>` source). */
  async runArtifactUri(runId: string): Promise<string> {
    return (await this.call<{ run: { info: RunInfo } }>('GET', 'runs/get', undefined, { run_id: runId })).run.info.artifact_uri;
  }

  /** The version an alias points at, or null. */
  async aliasVersion(name: string, alias: string): Promise<string | null> {
    try {
      const r = await this.call<{ model_version: { version: string } }>('GET', 'registered-models/alias', undefined, { name, alias });
      return r.model_version.version;
    } catch (e) {
      if (e instanceof MlflowError && (e.code === 'RESOURCE_DOES_NOT_EXIST' || e.code === 'INVALID_PARAMETER_VALUE')) return null;
      throw e;
    }
  }
}

interface VersionInfo {
  version: string;
  source: string;
  run_id?: string;
}
interface RunInfo {
  run_id: string;
  experiment_id: string;
  artifact_uri: string;
}
export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}
