'use client';
import type { RunStatusDto } from '@/lib/server/workflows/queries';

/** The one client-side reader of a run's live status (GET /api/runs/[runId]). */
export async function fetchRunStatus(runId: string): Promise<RunStatusDto> {
  const res = await fetch(`/api/runs/${encodeURIComponent(runId)}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`run status request failed (${res.status})`);
  return (await res.json()) as RunStatusDto;
}

export const isLive = (status: string) => status === 'QUEUED' || status === 'RUNNING';
