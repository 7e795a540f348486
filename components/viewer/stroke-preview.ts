'use client';
import type { LabelStyle } from './mask-viewer';
import type { SliceGeometry } from './slice-geometry';
import type { Dims } from '@/lib/editor/types';

/**
 * Shows a brush stroke while it is drawn on a 2D canvas over the view, instead of re-rendering NiiVue on every mouse
 * event: a WebGL frame redraws every view of the layout, which a software renderer (SwiftShader, or a thin client with
 * no GPU) does slowly; the preview touches only the few voxels each event adds. Only the voxels the stroke changed on
 * the slice it is drawn in are painted, in the label colours at the mask's opacity, so the preview looks like NiiVue's
 * own frame over voxels that were unlabelled. The caller feeds it the voxels the stroke changes, renders NiiVue once
 * when the stroke ends and then clears the preview. Measured by `npm run bench:editor` (paint_ratio).
 */
export class StrokePreview {
  private geometry: SliceGeometry | null = null;
  private image: ImageData | null = null;
  private readonly scratch = document.createElement('canvas');
  /** the image pixels set since the last draw: [minU, minV, maxU, maxV] */
  private pending: [number, number, number, number] | null = null;

  constructor(
    private readonly overlay: HTMLCanvasElement,
    private readonly dims: Dims,
  ) {}

  get active(): boolean {
    return this.geometry !== null;
  }

  /** Starts an empty preview over the slice `geometry` shows, on an overlay the size of the view's canvas. */
  begin(geometry: SliceGeometry, size: { width: number; height: number }) {
    const nu = this.dims[geometry.u],
      nv = this.dims[geometry.v];
    this.image = new ImageData(nu, nv);
    this.scratch.width = nu;
    this.scratch.height = nv;
    if (this.overlay.width !== size.width || this.overlay.height !== size.height) {
      this.overlay.width = size.width;
      this.overlay.height = size.height;
    }
    this.geometry = geometry;
    this.pending = null;
    this.clearOverlay();
  }

  /** Marks voxel `index` (flat, x + y*nx + z*nx*ny) as now holding `label`; voxels off the previewed slice are ignored. */
  set(index: number, label: number, style: LabelStyle) {
    const g = this.geometry,
      image = this.image;
    if (!g || !image) return;
    const [nx, ny] = this.dims;
    const c = [index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny))];
    if (c[g.axis] !== g.slice) return;
    const u = c[g.u],
      v = c[g.v];
    const p = this.pending;
    this.pending = p ? [Math.min(p[0], u), Math.min(p[1], v), Math.max(p[2], u), Math.max(p[3], v)] : [u, v, u, v];
    const o = (u + v * image.width) * 4;
    const visible = label > 0 && style.visible[label as 1 | 2 | 3];
    const rgb = visible ? style.colours[label as 1 | 2 | 3] : [0, 0, 0];
    image.data[o] = rgb[0];
    image.data[o + 1] = rgb[1];
    image.data[o + 2] = rgb[2];
    image.data[o + 3] = visible ? Math.round(style.opacity * 255) : 0;
  }

  /**
   * Puts the voxels marked since the last draw on screen. Only their bounding box is copied: voxels only join a stroke,
   * so what was drawn before stays right, and a frame costs a few voxels' worth of pixels, not the whole view.
   */
  draw() {
    const g = this.geometry,
      image = this.image,
      p = this.pending;
    if (!g || !image || !p) return;
    this.pending = null;
    const [u0, v0, w, h] = [p[0], p[1], p[2] - p[0] + 1, p[3] - p[1] + 1];
    this.context(this.scratch).putImageData(image, 0, 0, u0, v0, w, h);
    const ctx = this.context(this.overlay);
    ctx.save();
    ctx.beginPath();
    ctx.rect(...g.tile);
    ctx.clip();
    // image pixel (iu, iv) covers the voxel whose centre NiiVue draws at origin + iu*du + iv*dv
    ctx.setTransform(g.du[0], g.du[1], g.dv[0], g.dv[1], g.origin[0] - (g.du[0] + g.dv[0]) / 2, g.origin[1] - (g.du[1] + g.dv[1]) / 2);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(u0, v0, w, h);
    ctx.drawImage(this.scratch, u0, v0, w, h, u0, v0, w, h);
    ctx.restore();
  }

  /** CPU-backed 2D contexts: small, frequent updates; a GPU-backed canvas round-trips on every one. */
  private context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
    return canvas.getContext('2d', { willReadFrequently: true })!;
  }

  private clearOverlay() {
    const ctx = this.context(this.overlay);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
  }

  clear() {
    this.geometry = null;
    this.image = null;
    this.pending = null;
    this.clearOverlay();
  }
}
