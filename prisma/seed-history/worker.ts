/**
 * Runs queued jobs of the named kinds with the worker's own handlers (worker/handlers.ts) in this process, until
 * none of them is queued or running. Only those kinds: the demo cases' serving jobs stay for the app's worker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { getQueue, resetQueue } from '../../lib/server/jobs';
import { handlers } from '../../worker/handlers';

const POLL_MS = 500;

export async function drainJobs(names: string[], log: (m: string) => void): Promise<void> {
  const queue = getQueue();
  for (const name of names) {
    const h = handlers[name];
    if (!h) throw new Error(`the worker has no handler for job "${name}"`);
    await queue.work(h.definition, h.handler, { concurrency: 1 });
  }
  const off = queue.onEvent((e) => {
    if (e.type === 'finish') log(`job ${e.name} ${e.status} in ${(e.ms / 1000).toFixed(1)} s${e.error ? `: ${e.error}` : ''}`);
  });
  await queue.start();
  try {
    while (await pending(names)) await sleep(POLL_MS);
  } finally {
    off();
    await resetQueue(); // stops this worker; the next drain registers afresh
  }
  const failed = (await Promise.all(names.map((name) => queue.list({ name, status: 'FAILED' })))).flat();
  if (failed.length) throw new Error(`job ${failed[0].name} failed: ${failed[0].error}`);
}

async function pending(names: string[]): Promise<boolean> {
  const queue = getQueue();
  for (const name of names) {
    for (const status of ['QUEUED', 'RUNNING'] as const) if ((await queue.list({ name, status, take: 1 })).length) return true;
  }
  return false;
}
