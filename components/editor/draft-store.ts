'use client';
import { decodeRle, encodeRle } from '@/lib/editor/rle';

/**
 * Unsaved work survives a crash or a closed tab in IndexedDB: one record per user, case and parent version, holding
 * the run-length coded mask (tens of kB). Saving a version deletes it.
 */
export interface Draft {
  key: string;
  userId: string;
  caseId: string;
  /** the version the edits started from (null: the production prediction) */
  parentVersionId: string | null;
  savedAt: number;
  /** voxels on the RAS drawing grid, run-length coded */
  rle: Uint8Array;
}

const DB_NAME = 'tumorwatch-editor';
const STORE = 'drafts';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export function draftKey(userId: string, caseId: string, parentVersionId: string | null): string {
  return `${userId}|${caseId}|${parentVersionId ?? 'model'}`;
}

export async function writeDraft(userId: string, caseId: string, parentVersionId: string | null, mask: Uint8Array): Promise<void> {
  const draft: Draft = {
    key: draftKey(userId, caseId, parentVersionId),
    userId,
    caseId,
    parentVersionId,
    savedAt: Date.now(),
    rle: encodeRle(mask),
  };
  await run('readwrite', (s) => s.put(draft));
}

/** The newest draft of this user for this case, whatever version it started from. */
export async function latestDraft(userId: string, caseId: string): Promise<Draft | null> {
  const prefix = `${userId}|${caseId}|`;
  const all = await run('readonly', (s) => s.getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`)) as IDBRequest<Draft[]>);
  return all.sort((a, b) => b.savedAt - a.savedAt)[0] ?? null;
}

export function draftMask(draft: Draft): Uint8Array {
  return decodeRle(draft.rle);
}

/** Removes every draft of this user for the case (after a save, or when the user discards them). */
export async function deleteDrafts(userId: string, caseId: string): Promise<void> {
  const prefix = `${userId}|${caseId}|`;
  await run('readwrite', (s) => s.delete(IDBKeyRange.bound(prefix, `${prefix}\uffff`)));
}
