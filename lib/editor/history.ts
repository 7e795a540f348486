/**
 * Session-long undo/redo as voxel diffs. NiiVue keeps only 8 full-bitmap snapshots; a diff costs 6 bytes per changed
 * voxel, so hundreds of strokes fit where NiiVue keeps 8. A memory cap drops the oldest steps, never the newest.
 */

export interface EditEntry {
  /** what the user did, for the undo/redo tooltips */
  label: string;
  indices: Uint32Array;
  before: Uint8Array;
  after: Uint8Array;
}

/** Writes voxels through one operation and remembers each voxel's value before its first change. */
export class ChangeRecorder {
  private seen: Uint8Array;
  private indices = new Uint32Array(1024);
  private before = new Uint8Array(1024);
  private n = 0;

  constructor(private readonly mask: Uint8Array) {
    this.seen = new Uint8Array(mask.length);
  }

  /** Sets mask[index] = value; returns whether the voxel changed. */
  set(index: number, value: number): boolean {
    const old = this.mask[index];
    if (old === value) return false;
    if (!this.seen[index]) {
      this.seen[index] = 1;
      if (this.n === this.indices.length) this.grow();
      this.indices[this.n] = index;
      this.before[this.n] = old;
      this.n++;
    }
    this.mask[index] = value;
    return true;
  }

  get touched(): number {
    return this.n;
  }

  /** Calls `visit` with each voxel first changed after the `from`-th and its value before; returns `touched`. */
  visitSince(from: number, visit: (index: number, before: number) => void): number {
    for (let i = from; i < this.n; i++) visit(this.indices[i], this.before[i]);
    return this.n;
  }

  /** Smallest and largest index first changed since `from` (a `touched` count taken earlier), or null if none. */
  rangeSince(from: number): { first: number; last: number } | null {
    if (from >= this.n) return null;
    let first = this.indices[from],
      last = first;
    for (let i = from + 1; i < this.n; i++) {
      const idx = this.indices[i];
      if (idx < first) first = idx;
      else if (idx > last) last = idx;
    }
    return { first, last };
  }

  /** The entry for the history, without voxels that ended where they started (painted then erased in one stroke). */
  finish(label: string): EditEntry | null {
    let kept = 0;
    for (let i = 0; i < this.n; i++) if (this.mask[this.indices[i]] !== this.before[i]) kept++;
    if (kept === 0) return null;
    const entry: EditEntry = { label, indices: new Uint32Array(kept), before: new Uint8Array(kept), after: new Uint8Array(kept) };
    for (let i = 0, k = 0; i < this.n; i++) {
      const idx = this.indices[i];
      if (this.mask[idx] === this.before[i]) continue;
      entry.indices[k] = idx;
      entry.before[k] = this.before[i];
      entry.after[k] = this.mask[idx];
      k++;
    }
    return entry;
  }

  private grow() {
    const indices = new Uint32Array(this.indices.length * 2);
    indices.set(this.indices);
    const before = new Uint8Array(this.before.length * 2);
    before.set(this.before);
    this.indices = indices;
    this.before = before;
  }
}

function entryBytes(e: EditEntry): number {
  return e.indices.byteLength + e.before.byteLength + e.after.byteLength;
}

export class EditHistory {
  private done: EditEntry[] = [];
  private undone: EditEntry[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes = 512 * 1024 * 1024) {}

  /** A new edit invalidates the redo branch, as in every editor. */
  push(entry: EditEntry) {
    this.done.push(entry);
    this.bytes += entryBytes(entry);
    for (const e of this.undone) this.bytes -= entryBytes(e);
    this.undone = [];
    while (this.bytes > this.maxBytes && this.done.length > 1) this.bytes -= entryBytes(this.done.shift()!);
  }

  undo(mask: Uint8Array): EditEntry | null {
    const e = this.done.pop();
    if (!e) return null;
    for (let i = 0; i < e.indices.length; i++) mask[e.indices[i]] = e.before[i];
    this.undone.push(e);
    return e;
  }

  redo(mask: Uint8Array): EditEntry | null {
    const e = this.undone.pop();
    if (!e) return null;
    for (let i = 0; i < e.indices.length; i++) mask[e.indices[i]] = e.after[i];
    this.done.push(e);
    return e;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  get undoLabel(): string | null {
    return this.done.at(-1)?.label ?? null;
  }

  get redoLabel(): string | null {
    return this.undone.at(-1)?.label ?? null;
  }

  get depth(): number {
    return this.done.length;
  }

  clear() {
    this.done = [];
    this.undone = [];
    this.bytes = 0;
  }
}
