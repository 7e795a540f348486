'use client';
import { SLICE_TYPE, type Niivue, type NVImage } from '@niivue/niivue';
import type { Axis, Vec3 } from '@/lib/editor/types';

/** What lies under the mouse: the voxel (RAS drawing grid), its centre in RAS millimetres, each sequence's value. */
export interface Probe {
  vox: Vec3;
  mm: Vec3;
  /** calibrated intensity per decoded modality (a modality not decoded yet is absent) */
  values: Record<string, number>;
  /** the mask's label at that voxel (0 = background) */
  label: number;
}

/** Zoom of the 2D views and the crosshair's slice along each axis (index x, y, z of the RAS grid). */
export interface ViewState {
  zoom: number;
  slices: Vec3;
  dims: Vec3;
}

export const ZOOM_MIN = 0.5;
export const ZOOM_MAX = 16;

/**
 * Zoom, pan, slice position and the readout under the mouse, through NiiVue's own scene state (`pan2Dxyzmm`: the 2D
 * views' offset in mm and their scale; `crosshairPos`: the linked slices). Listeners hear every change, whoever made
 * it (a click, NiiVue's own wheel scrolling, a slider), so the controls always show what is drawn.
 */
export class ViewNavigation {
  private listeners = new Set<() => void>();

  constructor(
    private readonly nv: Niivue,
    private readonly images: ReadonlyMap<string, NVImage>,
  ) {}

  /** The grid's dimensions, or null before a volume is shown. */
  private dims(): Vec3 | null {
    const d = this.nv.back?.dimsRAS;
    return d ? [d[1], d[2], d[3]] : null;
  }

  state(): ViewState | null {
    const dims = this.dims();
    if (!dims) return null;
    const v = this.nv.frac2vox(this.nv.scene.crosshairPos);
    const slices = [0, 1, 2].map((i) => Math.min(dims[i] - 1, Math.max(0, Math.round(v[i])))) as Vec3;
    return { zoom: this.nv.scene.pan2Dxyzmm[3], slices, dims };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** NiiVue calls this on every crosshair move; zoom and pan changes made here call it too. */
  notify = () => {
    for (const l of this.listeners) l();
  };

  /** Scales the 2D views by `factor`, keeping the crosshair where it is on screen (as NiiVue's own wheel zoom does). */
  zoomBy(factor: number) {
    const pan = this.nv.scene.pan2Dxyzmm;
    const zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.round(pan[3] * factor * 100) / 100));
    const change = pan[3] - zoom;
    const mm = this.nv.frac2mm(this.nv.scene.crosshairPos);
    this.nv.setPan2Dxyzmm([pan[0] + change * mm[0], pan[1] + change * mm[1], pan[2] + change * mm[2], zoom]);
    this.notify();
  }

  /** Whole image in each view, no offset. */
  fit() {
    this.nv.setPan2Dxyzmm([0, 0, 0, 1]);
    this.notify();
  }

  /**
   * Moves the 2D views by a mouse drag from `from` to `to` (client pixels), as NiiVue's pan drag does: the offset
   * grows by the drag's length in mm at the current scale. `start` is the offset when the drag began.
   */
  panDrag(start: readonly number[], from: { x: number; y: number }, to: { x: number; y: number }) {
    const a = this.canvasPixel(from),
      b = this.canvasPixel(to);
    if (!a || !b) return;
    const end = this.nv.screenXY2mm(b[0], b[1]);
    if (Number.isNaN(end[0])) return;
    const begin = this.nv.screenXY2mm(a[0], a[1], end[3]);
    if (Number.isNaN(begin[0])) return;
    const zoom = start[3];
    this.nv.setPan2Dxyzmm([0, 1, 2].map((i) => start[i] + zoom * (end[i] - begin[i])).concat(zoom) as [number, number, number, number]);
    this.notify();
  }

  panOffset(): number[] {
    return Array.from(this.nv.scene.pan2Dxyzmm);
  }

  /** Shows slice `index` across `axis` (0 sagittal x, 1 coronal y, 2 axial z), keeping the other two. */
  setSlice(axis: Axis, index: number) {
    const s = this.state();
    if (!s) return;
    const vox = [...s.slices] as Vec3;
    vox[axis] = Math.min(s.dims[axis] - 1, Math.max(0, Math.round(index)));
    this.nv.scene.crosshairPos = this.nv.vox2frac(vox);
    this.nv.drawScene();
    this.nv.createOnLocationChange();
  }

  /** The readout for the mouse position, or null outside every 2D view's image. */
  probe(e: MouseEvent, mask: Uint8Array | null): Probe | null {
    const px = this.canvasPixel({ x: e.clientX, y: e.clientY });
    const dims = this.dims();
    if (!px || !dims) return null;
    const tile = this.nv.tileIndex(px[0], px[1]);
    if (tile < 0 || this.nv.screenSlices[tile].axCorSag > SLICE_TYPE.SAGITTAL) return null;
    const frac = this.nv.screenXY2TextureFrac(px[0], px[1], tile);
    if (frac[0] < 0) return null;
    const vox = [0, 1, 2].map((i) => Math.min(dims[i] - 1, Math.max(0, Math.floor(frac[i] * dims[i])))) as Vec3;
    const mm = this.nv.frac2mm(this.nv.vox2frac(vox));
    const values: Record<string, number> = {};
    for (const [modality, image] of this.images) values[modality] = image.getValue(vox[0], vox[1], vox[2]);
    const label = mask ? (mask[vox[0] + vox[1] * dims[0] + vox[2] * dims[0] * dims[1]] ?? 0) : 0;
    return { vox, mm: [mm[0], mm[1], mm[2]], values, label };
  }

  /** Client rectangle of the 3D render tile, or null when the layout has none: for tests and tooling. */
  renderTileRect(): { x: number; y: number; width: number; height: number } | null {
    const tile = this.nv.screenSlices.find((t) => t.axCorSag === SLICE_TYPE.RENDER);
    const canvas = this.nv.canvas;
    if (!tile || !canvas) return null;
    const r = canvas.getBoundingClientRect();
    const dpr = this.nv.uiData.dpr ?? 1;
    const [l, t, w, h] = tile.leftTopWidthHeight;
    return { x: r.left + l / dpr, y: r.top + t / dpr, width: w / dpr, height: h / dpr };
  }

  /** Canvas pixels (device pixels, NiiVue's screen coordinates) of a client point, or null off the canvas. */
  private canvasPixel(p: { x: number; y: number }): [number, number] | null {
    const canvas = this.nv.canvas;
    if (!canvas) return null;
    const r = canvas.getBoundingClientRect();
    const x = p.x - r.left,
      y = p.y - r.top;
    if (x < 0 || y < 0 || x > r.width || y > r.height) return null;
    const dpr = this.nv.uiData.dpr ?? 1;
    return [x * dpr, y * dpr];
  }
}
