'use client';
import type { LabelDiff } from '@/lib/editor/stats';
import type { LabelVersionDto } from '@/lib/server/labels/store';

/** Every network call the editor makes for binary data, in one place (actions cover the rest). */

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function failure(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  return new ApiError(body?.error?.code ?? 'INTERNAL', body?.error?.message ?? `Request failed (${res.status}).`, res.status);
}

/** A stored volume or mask by content hash (cached by the browser forever: the bytes can never change). */
export async function fetchBlob(sha256: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  const res = await fetch(`/api/blobs/${sha256}`, { signal });
  if (!res.ok) throw await failure(res);
  return res.arrayBuffer();
}

export async function gzip(bytes: Uint8Array): Promise<Blob> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).blob();
}

export interface SaveMaskInput {
  caseId: string;
  /** NIfTI bytes of the mask (uncompressed; gzipped here) */
  nifti: Uint8Array;
  parentVersionId: string | null;
  message: string;
  asBranch?: boolean;
  /** take over the claim of another radiologist (after they confirmed it) */
  takeOver?: boolean;
  source?: 'EDIT' | 'IMPORT';
  labelMap?: string;
}

/** Saves a version; throws ApiError CONFLICT when the parent is no longer the head, CLAIMED when another reader holds the case. */
export async function saveMask(input: SaveMaskInput): Promise<LabelVersionDto> {
  const form = new FormData();
  const isGz = input.nifti[0] === 0x1f && input.nifti[1] === 0x8b;
  form.set('mask', isGz ? new Blob([input.nifti as Uint8Array<ArrayBuffer>]) : await gzip(input.nifti), 'mask.nii.gz');
  form.set('parentVersionId', input.parentVersionId ?? '');
  form.set('message', input.message);
  form.set('asBranch', String(!!input.asBranch));
  form.set('takeOver', String(!!input.takeOver));
  form.set('source', input.source ?? 'EDIT');
  if (input.labelMap) form.set('labelMap', input.labelMap);
  const res = await fetch(`/api/cases/${input.caseId}/labels`, { method: 'POST', body: form });
  if (!res.ok) throw await failure(res);
  return ((await res.json()) as { version: LabelVersionDto }).version;
}

export async function fetchDiff(caseId: string, from: string, to: string): Promise<{ overlay: ArrayBuffer; diff: LabelDiff }> {
  const res = await fetch(`/api/cases/${caseId}/labels/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  if (!res.ok) throw await failure(res);
  return { overlay: await res.arrayBuffer(), diff: JSON.parse(res.headers.get('X-Label-Diff') ?? 'null') as LabelDiff };
}
