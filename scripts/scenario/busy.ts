/**
 * The scenario calls domain functions from its own process while the app writes the same SQLite file. A deferred
 * SQLite transaction that reads and then writes fails at once with SQLITE_BUSY when the other process committed in
 * between (WAL snapshot upgrade), which Prisma reports as P1008 "Operation has timed out"; the transaction rolled
 * back, so running it again is safe. (Inside the app, web server and inline worker share one connection and never
 * meet this; an external worker process on SQLite would.)
 */
import { setTimeout as sleep } from 'node:timers/promises';

export function isSqliteBusy(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  return err?.code === 'P1008' || /Operation has timed out|SQLITE_BUSY|database is locked/.test(err?.message ?? String(e));
}

export async function retryBusy<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!isSqliteBusy(e) || i >= attempts - 1) throw e;
      await sleep(200 * 2 ** Math.min(i, 4) + Math.random() * 200);
    }
  }
}
