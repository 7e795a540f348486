/**
 * The scenario's HTTP clients of the real app: a hospital's machine client posting cases to POST /api/cases, and a
 * radiologist's editor saving a mask to POST /api/cases/[caseId]/labels, each with its own bearer API token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CaseFolder } from '@/lib/server/cases/folder';

export class HttpError extends Error {
  /** `retried`: the request was sent again after a connection error, so a refusal may answer its own first try */
  constructor(
    readonly status: number,
    message: string,
    readonly retried = false,
  ) {
    super(message);
  }
}

/** A pooled keep-alive connection the server closed while idle: the request never reached the app. */
function isConnectionReset(e: unknown): boolean {
  const code = (e as { cause?: { code?: string } })?.cause?.code;
  return e instanceof TypeError && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE');
}

async function send(url: string, token: string, form: FormData): Promise<unknown> {
  let retried = false;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
    } catch (e) {
      if (!isConnectionReset(e) || attempt >= 3) throw e;
      retried = true;
      await sleep(500);
      continue;
    }
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    if (res.ok) return body;
    // The queue's back-pressure answers 503 with Retry-After; a hospital client waits and retries. A 500 says
    // "nothing was changed" (e.g. the database was busy with another process's write): tried again a few times.
    if (res.status === 500 && attempt < 3) {
      await sleep(1000 * (attempt + 1));
      continue;
    }
    if (res.status === 503 && attempt < 20) {
      await sleep(Number(res.headers.get('retry-after') ?? 5) * 1000);
      continue;
    }
    throw new HttpError(res.status, `${res.status} ${body.error?.message ?? res.statusText} (${url})`, retried);
  }
}

export interface PostedCase {
  caseId: string;
  externalId: string;
  created: boolean;
}

/** Ingests a case folder's images; the ground-truth mask never travels with a clinical case. */
export async function postCase(baseUrl: string, token: string, folder: CaseFolder): Promise<PostedCase> {
  const form = new FormData();
  const { maskLabelMap: _ignored, ...metadata } = folder.metadata;
  form.set('metadata', JSON.stringify(metadata));
  for (const f of folder.files) {
    if (f.field === 'mask') continue;
    form.append(f.field, new Blob([f.bytes as BlobPart]), f.filename);
  }
  return (await send(new URL('/api/cases', baseUrl).toString(), token, form)) as PostedCase;
}

export interface SavedVersion {
  id: string;
  number: number;
  changedVoxels: number;
}

/** What the editor does on "Save": the mask as a NIfTI file plus the version it started from. */
export async function postLabelVersion(
  baseUrl: string,
  token: string,
  input: { caseId: string; parentVersionId: string | null; mask: Uint8Array; message: string; source: 'EDIT' | 'IMPORT' },
): Promise<SavedVersion> {
  const form = new FormData();
  form.set('mask', new Blob([input.mask as BlobPart]), 'mask.nii.gz');
  form.set('parentVersionId', input.parentVersionId ?? '');
  form.set('message', input.message);
  form.set('source', input.source);
  const body = (await send(new URL(`/api/cases/${encodeURIComponent(input.caseId)}/labels`, baseUrl).toString(), token, form)) as {
    version: SavedVersion;
  };
  return body.version;
}
