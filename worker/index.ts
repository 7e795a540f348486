// The standalone job worker: `npm run worker` (tsx --conditions=react-server worker/index.ts). Run any number of these
// against PostgreSQL (pg-boss spreads the work); on SQLite one per host is enough.
import { env } from '@/lib/server/env';
import { disconnectDb } from '@/lib/server/db';
import { createQueue } from '@/lib/server/jobs';
import { registerHandlers } from './handlers';
import { formatJobEvent } from './log';

async function main() {
  const queue = createQueue();
  queue.onEvent((e) => (e.type === 'error' ? console.error : console.log)(formatJobEvent(e)));
  const concurrency = env().WORKER_CONCURRENCY;
  await registerHandlers(queue, { concurrency });
  await queue.start();
  console.log(`worker ${queue.workerId} started (${queue.kind}, concurrency ${concurrency})`);

  const shutdown = async (signal: string) => {
    // After the first signal the default handler is back: a second Ctrl-C exits at once.
    console.log(`worker ${queue.workerId} stopping (${signal}): finishing or releasing in-flight jobs`);
    try {
      await queue.stop();
      await disconnectDb();
      console.log(`worker ${queue.workerId} stopped`);
      process.exit(0);
    } catch (err) {
      console.error('worker stop failed', err);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('worker failed to start', err);
  process.exit(1);
});
