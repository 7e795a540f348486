import 'server-only';
import { env } from '../env';

/** The few GitHub REST endpoints the GitHub Actions runner uses (API version 2022-11-28). */
export interface GithubConfig {
  apiUrl: string;
  repository: string;
  token: string;
  workflowFile: string;
  ref: string;
}

export interface GithubRun {
  id: number;
  status: string;
  conclusion: string | null;
  htmlUrl: string;
  displayTitle: string;
}

export class GithubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GithubApiError';
  }
}

export function githubConfigFromEnv(): GithubConfig {
  const e = env();
  if (!e.GITHUB_REPOSITORY || !e.GITHUB_TOKEN)
    throw new Error('GITHUB_REPOSITORY and GITHUB_TOKEN must be set for the GitHub Actions runner');
  return {
    apiUrl: e.GITHUB_API_URL.replace(/\/+$/, ''),
    repository: e.GITHUB_REPOSITORY,
    token: e.GITHUB_TOKEN,
    workflowFile: e.GITHUB_WORKFLOW_FILE,
    ref: e.GITHUB_REF,
  };
}

type RawRun = { id: number; status: string; conclusion: string | null; html_url: string; display_title?: string; name?: string };
const toRun = (r: RawRun): GithubRun => ({
  id: r.id,
  status: r.status,
  conclusion: r.conclusion,
  htmlUrl: r.html_url,
  displayTitle: r.display_title ?? r.name ?? '',
});

export class GithubActionsApi {
  constructor(private readonly cfg: GithubConfig) {}

  private async call(method: string, route: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.cfg.apiUrl}/repos/${this.cfg.repository}${route}`, {
      method,
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${this.cfg.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'tumorwatch',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        /* not JSON: keep the text */
      }
      throw new GithubApiError(res.status, `GitHub ${method} ${route} answered ${res.status}: ${message}`);
    }
    return text ? JSON.parse(text) : null;
  }

  /** POST /repos/{owner}/{repo}/actions/workflows/{file}/dispatches (204 No Content). */
  async dispatch(inputs: Record<string, string>): Promise<void> {
    await this.call('POST', `/actions/workflows/${encodeURIComponent(this.cfg.workflowFile)}/dispatches`, { ref: this.cfg.ref, inputs });
  }

  /** The dispatch answers no run id: the run is found by the marker its run-name carries (the app's run id). */
  async findRun(marker: string, since: Date): Promise<GithubRun | null> {
    const created = encodeURIComponent(`>=${new Date(since.getTime() - 60_000).toISOString().slice(0, 19)}Z`);
    const route = `/actions/workflows/${encodeURIComponent(this.cfg.workflowFile)}/runs?event=workflow_dispatch&per_page=100&created=${created}`;
    const body = (await this.call('GET', route)) as { workflow_runs?: RawRun[] };
    const pattern = new RegExp(`(^|\\s)${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
    const hit = (body.workflow_runs ?? []).map(toRun).find((r) => pattern.test(r.displayTitle));
    return hit ?? null;
  }

  async getRun(id: number): Promise<GithubRun> {
    return toRun((await this.call('GET', `/actions/runs/${id}`)) as RawRun);
  }

  /** 202 Accepted; 409 when the run already finished, which is not an error for a cancel. */
  async cancelRun(id: number): Promise<void> {
    try {
      await this.call('POST', `/actions/runs/${id}/cancel`);
    } catch (err) {
      if (!(err instanceof GithubApiError && err.status === 409)) throw err;
    }
  }
}
