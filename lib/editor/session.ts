import { brushOffsets, paintSegment, stamp, type PaintSpec } from './brush';
import { floodFill } from './fill';
import { ChangeRecorder, EditHistory, type EditEntry } from './history';
import { interpolateSlices, type InterpolateResult } from './interpolate';
import { removeIslands, type IslandResult } from './islands';
import { applyEntryToCounts, countLabels, type LabelCounts } from './stats';
import type { Axis, EditLabel, IntensityRange, MaskGrid, OverwriteRule, Vec3 } from './types';

export const FILL_TOO_LARGE = -1;
export const FILL_DECLINED = -2;

/** Limits on one fill: where it may go, and a last say on its size before it is kept. */
export interface FillGuard {
  within?: Uint8Array | null;
  /** called with the number of voxels the fill would change; false undoes it without a trace */
  approve?(changedVoxels: number): boolean;
}

/** What the active brush/eraser/fill does; the toolbar's settings reduced to what the mask logic needs. */
export interface ToolSpec {
  kind: 'brush' | 'eraser';
  label: EditLabel;
  sizeMm: number;
  sphere: boolean;
  protection: OverwriteRule;
  /** eraser: remove any label instead of only the active one */
  eraseAnyLabel: boolean;
  range: IntensityRange | null;
}

export interface SessionSnapshot {
  counts: LabelCounts;
  revision: number;
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | null;
  redoLabel: string | null;
  /** slice axis of the view last painted in: "fill between slices" interpolates across it */
  lastAxis: Axis;
}

function paintSpec(spec: ToolSpec): PaintSpec {
  return spec.kind === 'eraser'
    ? { value: 0, rule: { mode: 'any' }, eraseOnly: spec.eraseAnyLabel ? null : spec.label, range: spec.range }
    : { value: spec.label, rule: spec.protection, range: spec.range };
}

/**
 * One editing session on one mask: every tool goes through here, so each operation is one undo step, label counts
 * stay exact without rescanning, and "dirty" means "its voxels differ from what was last saved or loaded". DOM-free: the view
 * passes voxels in and re-renders when `onRender` fires.
 */
export class EditSession {
  private readonly history = new EditHistory();
  private counts: LabelCounts;
  private revision = 0;
  /** the mask as last saved or loaded, and how many voxels differ from it now (kept exact per edit, O(changed)) */
  private saved: Uint8Array;
  private unsavedVoxels = 0;
  private lastAxis: Axis = 2;
  private stroke: { rec: ChangeRecorder; spec: PaintSpec; offsets: Int32Array; last: Vec3; label: string } | null = null;
  private listeners = new Set<() => void>();
  private snapshot: SessionSnapshot;

  constructor(
    readonly mask: Uint8Array,
    readonly grid: MaskGrid,
    /** the mask changed: within `dirty` (flat index range) while a stroke paints, anywhere when it is absent */
    private readonly onRender: (dirty?: { first: number; last: number }) => void = () => {},
  ) {
    this.counts = countLabels(mask);
    this.saved = mask.slice();
    this.snapshot = this.makeSnapshot();
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.snapshot;

  beginStroke(vox: Vec3, axis: Axis, spec: ToolSpec) {
    this.lastAxis = axis;
    const offsets = brushOffsets({ diameterMm: spec.sizeMm, mode: spec.sphere ? 'sphere' : axis }, this.grid.spacing);
    const rec = new ChangeRecorder(this.mask);
    this.stroke = { rec, spec: paintSpec(spec), offsets, last: vox, label: spec.kind === 'eraser' ? 'Erase' : `Paint ${spec.label}` };
    if (stamp(rec, this.mask, this.grid.dims, vox, offsets, this.stroke.spec) > 0) this.renderSince(0);
  }

  moveStroke(vox: Vec3) {
    const s = this.stroke;
    if (!s) return;
    const from = s.rec.touched;
    if (paintSegment(s.rec, this.mask, this.grid.dims, s.last, vox, s.offsets, s.spec) > 0) this.renderSince(from);
    s.last = vox;
  }

  /** Renders what the stroke changed since its recorder held `from` voxels: only that part needs re-uploading. */
  private renderSince(from: number) {
    const range = this.stroke?.rec.rangeSince(from);
    // A voxel changed twice in one stroke is recorded once: without a new index, fall back to a full refresh.
    this.onRender(range ?? undefined);
  }

  endStroke() {
    const s = this.stroke;
    this.stroke = null;
    if (s) this.commit(s.rec.finish(s.label));
  }

  get stroking(): boolean {
    return this.stroke !== null;
  }

  /** Visits the voxels the stroke in progress first changed after its `from`-th (see ChangeRecorder.visitSince). */
  visitStrokeChanges(from: number, visit: (index: number, before: number) => void): number {
    return this.stroke ? this.stroke.rec.visitSince(from, visit) : from;
  }

  /** the stroke in progress: the view it paints in, and whether it erases (a live preview can show paint, not erasure) */
  get activeStroke(): { axis: Axis; erases: boolean } | null {
    return this.stroke && { axis: this.lastAxis, erases: this.stroke.spec.value === 0 };
  }

  /**
   * Flood fill from a voxel in the slice across `axis`, or in 3D, kept inside `guard.within`; returns the voxels
   * changed, FILL_TOO_LARGE when the region is too large or FILL_DECLINED when `guard.approve` refused the change
   * (then nothing is changed either).
   */
  fill(vox: Vec3, axis: Axis, spec: ToolSpec, in3d: boolean, guard: FillGuard = {}): number {
    this.lastAxis = axis;
    const rec = new ChangeRecorder(this.mask);
    const p = paintSpec(spec);
    const n = floodFill(rec, this.mask, this.grid.dims, vox, p, {
      scope: in3d ? 'volume' : axis,
      maxVoxels: 5_000_000,
      within: guard.within,
    });
    return this.commitIfApproved(rec.finish(p.value === 0 ? 'Fill erase' : `Fill ${p.value}`), guard.approve) ? n : FILL_DECLINED;
  }

  /**
   * Fills the slices between outlines of `label` along `axis`. With `approve`, a change it refuses is put back and
   * `declined` is set (the fill guard's question, asked of interpolation too).
   */
  interpolate(
    label: EditLabel,
    rule: OverwriteRule,
    axis: Axis = this.lastAxis,
    approve?: (changedVoxels: number) => boolean,
  ): InterpolateResult & { declined?: boolean } {
    const rec = new ChangeRecorder(this.mask);
    const result = interpolateSlices(rec, this.mask, this.grid, { axis, label, rule });
    return this.commitIfApproved(rec.finish(`Fill between slices (${label})`), approve) ? result : { ...result, declined: true };
  }

  removeIslands(minMl: number, scope: 'all' | EditLabel): IslandResult {
    const rec = new ChangeRecorder(this.mask);
    const result = removeIslands(rec, this.mask, this.grid, { minMl, scope });
    this.commit(rec.finish('Remove islands'));
    return result;
  }

  /** Replaces the whole mask as one undoable step (restoring a draft). */
  replaceUndoable(next: Uint8Array, label: string) {
    if (next.length !== this.mask.length) throw new Error('mask size does not match the grid');
    const rec = new ChangeRecorder(this.mask);
    for (let i = 0; i < next.length; i++) if (next[i] !== this.mask[i]) rec.set(i, next[i]);
    this.commit(rec.finish(label));
  }

  /** Loads another version as the new starting point: history restarts and the session is clean. */
  reset(next: Uint8Array) {
    if (next.length !== this.mask.length) throw new Error('mask size does not match the grid');
    this.mask.set(next);
    this.history.clear();
    this.counts = countLabels(this.mask);
    this.revision++;
    this.saved.set(next);
    this.unsavedVoxels = 0;
    this.onRender();
    this.emit();
  }

  undo(): EditEntry | null {
    const e = this.history.undo(this.mask);
    if (e) this.changed(e, -1);
    return e;
  }

  redo(): EditEntry | null {
    const e = this.history.redo(this.mask);
    if (e) this.changed(e, 1);
    return e;
  }

  /**
   * `savedMask` (a copy taken when the save began: strokes made during the upload are not in it) is now the stored
   * version; dirty from here on means "differs from it", so undoing back to it is clean again.
   */
  markSaved(savedMask: Uint8Array = this.mask) {
    if (savedMask.length !== this.mask.length) throw new Error('mask size does not match the grid');
    if (savedMask !== this.saved) this.saved.set(savedMask);
    let n = 0;
    for (let i = 0; i < this.mask.length; i++) if (this.mask[i] !== this.saved[i]) n++;
    this.unsavedVoxels = n;
    this.emit();
  }

  /**
   * Commits a region tool's change unless `approve` refuses its size. A refused change was written but not yet
   * rendered (no render ran): its voxels are put back before anyone sees them, leaving no undo step. False if refused.
   */
  private commitIfApproved(entry: EditEntry | null, approve?: (changedVoxels: number) => boolean): boolean {
    if (entry && approve && !approve(entry.indices.length)) {
      for (let k = 0; k < entry.indices.length; k++) this.mask[entry.indices[k]] = entry.before[k];
      return false;
    }
    this.commit(entry);
    return true;
  }

  private commit(entry: EditEntry | null) {
    if (!entry) return;
    this.history.push(entry);
    this.changed(entry, 1);
  }

  private changed(entry: EditEntry, direction: 1 | -1) {
    this.counts = applyEntryToCounts(this.counts, entry, direction);
    const [from, to] = direction === 1 ? [entry.before, entry.after] : [entry.after, entry.before];
    for (let k = 0; k < entry.indices.length; k++) {
      const was = this.saved[entry.indices[k]];
      this.unsavedVoxels += Number(to[k] !== was) - Number(from[k] !== was);
    }
    this.revision++;
    this.onRender();
    this.emit();
  }

  private emit() {
    this.snapshot = this.makeSnapshot();
    for (const l of this.listeners) l();
  }

  private makeSnapshot(): SessionSnapshot {
    return {
      counts: this.counts,
      revision: this.revision,
      dirty: this.unsavedVoxels > 0,
      canUndo: this.history.canUndo,
      canRedo: this.history.canRedo,
      undoLabel: this.history.undoLabel,
      redoLabel: this.history.redoLabel,
      lastAxis: this.lastAxis,
    };
  }
}
