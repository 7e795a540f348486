import { env } from '@/lib/server/env';
import { getQueue } from '@/lib/server/jobs';
import { registerHandlers } from './handlers';
import { formatJobEvent } from './log';

const globalForWorker = globalThis as unknown as { tumorwatchInlineWorker?: Promise<void> };

/**
 * WORKER_MODE=inline: the web server process runs the worker too (the zero-setup default on SQLite). Called from
 * instrumentation.ts once per server process; a failure is logged, never fatal to the web server.
 */
export function startInlineWorker(): Promise<void> {
  globalForWorker.tumorwatchInlineWorker ??= (async () => {
    if (env().WORKER_MODE !== 'inline') return;
    const queue = getQueue();
    queue.onEvent((e) => (e.type === 'error' ? console.error : console.log)(formatJobEvent(e)));
    await registerHandlers(queue, { concurrency: env().WORKER_CONCURRENCY });
    await queue.start();
    console.log(`inline worker ${queue.workerId} started (${queue.kind})`);
  })().catch((err) => {
    console.error('inline worker failed to start; jobs wait for `npm run worker`', err);
  });
  return globalForWorker.tumorwatchInlineWorker;
}
