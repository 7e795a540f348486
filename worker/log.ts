import type { JobEvent } from '@/lib/server/jobs';

/** One line per job start and finish, greppable by job id. */
export function formatJobEvent(e: JobEvent): string {
  const at = new Date().toISOString();
  switch (e.type) {
    case 'start':
      return `${at} job start ${e.name} ${e.id} attempt ${e.attempt} on ${e.worker}`;
    case 'finish':
      return `${at} job finish ${e.name} ${e.id} attempt ${e.attempt} ${e.status} in ${e.ms} ms${e.error ? `: ${e.error}` : ''}`;
    case 'recovered':
      return `${at} job recovered ${e.name} ${e.id} -> ${e.status}: ${e.error}`;
    case 'error':
      return `${at} queue error: ${e.message}`;
  }
}
