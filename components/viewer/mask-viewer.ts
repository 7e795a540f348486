'use client';
import { cmapper, MULTIPLANAR_TYPE, Niivue, NVImage, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';
import type { Axis, MaskGrid, Vec3 } from '@/lib/editor/types';
import { decodeMaskBytes, decodeMaskFast, encodeMaskBytes } from './mask-codec';
import { uploadDrawingSlab, type DirtyRange } from './drawing-upload';
import { ViewNavigation } from './view-navigation';
import { clientPoint, hitTest, sliceGeometry, type SliceGeometry } from './slice-geometry';

/**
 * The one place that talks to NiiVue. It renders volumes and a label mask the editor owns, converts mouse events to
 * voxels, and reads/writes mask files; it holds no editing logic. Coordinates are NiiVue's RAS-reoriented voxel grid,
 * the grid of `drawBitmap` (index x + y*nx + z*nx*ny); NiiVue converts to the file's native order on load and save.
 */
export interface LabelStyle {
  colours: Record<1 | 2 | 3, [number, number, number]>;
  visible: Record<1 | 2 | 3, boolean>;
  opacity: number;
}

/** multi: axial, coronal, sagittal linked by one crosshair; multi3d: the same plus a 3D render; render: 3D alone */
export type ViewerLayout = 'multi' | 'multi3d' | 'axial' | 'coronal' | 'sagittal' | 'render';

export interface IntensityInfo {
  calMin: number;
  calMax: number;
  robustMin: number;
  robustMax: number;
  globalMin: number;
  globalMax: number;
}

/** A volume decoded by MaskViewer.decodeVolume, not yet shown. */
export interface DecodedVolume {
  modality: string;
  image: NVImage;
}

export interface VoxelHit {
  /** continuous voxel coordinates (RAS grid) */
  vox: Vec3;
  /** slice axis of the view that was hit: 2 axial, 1 coronal, 0 sagittal */
  axis: Axis;
}

export class MaskViewer {
  private readonly nv: Niivue;
  private readonly byModality = new Map<string, NVImage>();
  /** zoom, pan, slices and the readout under the mouse */
  readonly view: ViewNavigation;

  private constructor(nv: Niivue) {
    this.nv = nv;
    this.view = new ViewNavigation(nv, this.byModality);
    nv.addEventListener('locationChange', this.view.notify);
  }

  static async create(canvas: HTMLCanvasElement): Promise<MaskViewer> {
    const nv = new Niivue({
      logLevel: 'error',
      backColor: [0, 0, 0, 1],
      crosshairColor: [0.2, 0.8, 1, 1],
      show3Dcrosshair: false,
      isColorbar: false,
      multiplanarShowRender: SHOW_RENDER.NEVER,
      multiplanarLayout: MULTIPLANAR_TYPE.GRID,
      dragAndDropEnabled: false,
      isResizeCanvas: true,
    });
    await nv.attachToCanvas(canvas);
    nv.setSliceType(SLICE_TYPE.MULTIPLANAR);
    return new MaskViewer(nv);
  }

  /**
   * Decodes a volume from NIfTI bytes. The first one is shown and defines the drawing grid; the others wait outside
   * NiiVue until shown (`show`, or showModality later), because NiiVue re-uploads every loaded layer on each update,
   * hidden or not.
   */
  async addVolume(modality: string, bytes: ArrayBuffer, show = false): Promise<void> {
    const image = await NVImage.loadFromUrl({ url: bytes, name: `${modality}.nii.gz` });
    this.byModality.set(modality, image);
    if (this.nv.volumes.length === 0) {
      this.nv.addVolume(image);
      this.nv.createEmptyDrawing();
    } else if (show) this.showModality(modality);
  }

  /**
   * Decodes a volume without touching WebGL, so it can start before the viewer exists: inflation runs off the main
   * thread (DecompressionStream) while the WebGL context and shaders are being created.
   */
  static decodeVolume(modality: string, bytes: Promise<ArrayBuffer>): Promise<DecodedVolume> {
    return bytes.then((url) => NVImage.loadFromUrl({ url, name: `${modality}.nii.gz` })).then((image) => ({ modality, image }));
  }

  /**
   * The editor's first frame: the volume and the mask decoded on the CPU first, then uploaded and drawn once.
   * Uploading first would let software WebGL starve the mask decode of CPU. Returns the mask (RAS grid), shown as the
   * drawing.
   */
  async open(volume: Promise<DecodedVolume>, maskBytes: Promise<ArrayBuffer | null>): Promise<Uint8Array> {
    const { modality, image } = await volume;
    this.byModality.set(modality, image);
    performance.mark('tw:volume-decoded');
    const bytes = await maskBytes;
    const fast = bytes ? await decodeMaskFast(image, bytes) : null;
    this.nv.addVolume(image);
    this.nv.createEmptyDrawing();
    const mask = fast ?? (bytes ? await this.decodeMask(bytes) : new Uint8Array(this.nv.drawBitmap!.length));
    performance.mark('tw:mask-decoded');
    this.setMask(mask);
    return mask;
  }

  /** Multiplanar (linked axial, coronal, sagittal: one crosshair), with or without the 3D render, or one large view. */
  setLayout(layout: ViewerLayout) {
    const types = {
      multi: SLICE_TYPE.MULTIPLANAR,
      multi3d: SLICE_TYPE.MULTIPLANAR,
      axial: SLICE_TYPE.AXIAL,
      coronal: SLICE_TYPE.CORONAL,
      sagittal: SLICE_TYPE.SAGITTAL,
      render: SLICE_TYPE.RENDER,
    };
    this.nv.opts.multiplanarShowRender = layout === 'multi3d' ? SHOW_RENDER.ALWAYS : SHOW_RENDER.NEVER;
    this.nv.setSliceType(types[layout]);
  }

  hasModality(modality: string): boolean {
    return this.byModality.has(modality);
  }

  /** Shows one decoded modality; the drawing stays, since every modality of a case shares its grid. */
  showModality(modality: string) {
    const image = this.byModality.get(modality);
    if (!image || (this.nv.volumes.length === 1 && this.nv.volumes[0] === image)) return;
    this.nv.volumes = [image];
    this.nv.back = image;
    this.nv.overlays = [];
    this.nv.updateGLVolume();
  }

  grid(): MaskGrid {
    const back = this.nv.back;
    if (!back?.dimsRAS || !back.pixDimsRAS) throw new Error('no volume loaded');
    return {
      dims: [back.dimsRAS[1], back.dimsRAS[2], back.dimsRAS[3]],
      spacing: [back.pixDimsRAS[1], back.pixDimsRAS[2], back.pixDimsRAS[3]],
    };
  }

  /** Shows `mask` (owned by the caller and edited in place) as the drawing layer. */
  setMask(mask: Uint8Array) {
    this.nv.drawBitmap = mask;
    this.nv.refreshDrawing(true);
  }

  /**
   * Re-uploads the drawing after the caller changed the mask in place, and redraws. With `dirty` (the flat index range
   * that changed) only the axial slab holding it goes to the GPU: a brush stroke touches a few slices, and uploading
   * the whole volume on every frame was what made painting slow.
   */
  refreshMask(dirty?: DirtyRange | null) {
    if (!dirty || !uploadDrawingSlab(this.nv, dirty)) return this.nv.refreshDrawing(true);
    this.nv.drawScene();
  }

  /** See decodeMaskBytes: NIfTI mask on the case grid -> RAS drawing grid, without changing what is shown. */
  decodeMask(bytes: ArrayBuffer): Promise<Uint8Array> {
    return decodeMaskBytes(this.nv, bytes);
  }

  /** The mask as an (uncompressed) NIfTI in the volumes' native orientation, with their header and affine. */
  encodeMask(mask: Uint8Array): Promise<Uint8Array> {
    return encodeMaskBytes(this.nv, mask);
  }

  /** the label colours, visibility and opacity last set: a stroke preview draws in the same */
  labelStyle: LabelStyle | null = null;

  /** Where the 2D view across `axis` draws its slice, or null where the layout has none. */
  sliceGeometry(axis: Axis): SliceGeometry | null {
    return sliceGeometry(this.nv, axis);
  }

  setLabelStyle(style: LabelStyle) {
    this.labelStyle = style;
    const rgb = ([1, 2, 3] as const).map((l) => style.colours[l]);
    const cmap = {
      R: [0, ...rgb.map((c) => c[0])],
      G: [0, ...rgb.map((c) => c[1])],
      B: [0, ...rgb.map((c) => c[2])],
      A: [0, ...([1, 2, 3] as const).map((l) => (style.visible[l] ? 255 : 0))],
      I: [0, 1, 2, 3],
      labels: ['', 'NCR', 'ED', 'ET'],
    };
    // setDrawColormap would re-upload every volume (updateGLVolume); the label colours only need the colormap texture.
    this.nv.drawLut = cmapper.makeDrawLut(cmap);
    this.nv.refreshColormaps();
    this.nv.setDrawOpacity(style.opacity);
  }

  intensity(modality: string): IntensityInfo | null {
    const v = this.byModality.get(modality);
    if (!v) return null;
    return {
      calMin: v.cal_min ?? 0,
      calMax: v.cal_max ?? 1,
      robustMin: v.robust_min ?? 0,
      robustMax: v.robust_max ?? 1,
      globalMin: v.global_min ?? 0,
      globalMax: v.global_max ?? 1,
    };
  }

  setWindow(modality: string, lo: number, hi: number) {
    const v = this.byModality.get(modality);
    if (!v || !(hi > lo)) return;
    v.cal_min = lo;
    v.cal_max = hi;
    if (this.nv.volumes.includes(v)) this.nv.updateGLVolume();
  }

  /** Calibrated intensities of a modality on the RAS drawing grid (for threshold painting). */
  rasIntensities(modality: string): Float32Array | null {
    const v = this.byModality.get(modality);
    if (!v?.hdr) return null;
    const raw = v.img2RAS();
    const slope = v.hdr.scl_slope || 1,
      inter = Number.isFinite(v.hdr.scl_inter) ? v.hdr.scl_inter : 0;
    const out = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw[i] * slope + inter;
    return out;
  }

  /** The voxel under the mouse in a 2D view, or null (outside the image, or on a 3D render tile). */
  hitTest(e: MouseEvent): VoxelHit | null {
    return hitTest(this.nv, e, this.grid().dims);
  }

  /** The crosshair's voxel (RAS grid). */
  crosshair(): Vec3 {
    const v = this.nv.frac2vox(this.nv.scene.crosshairPos);
    return [v[0], v[1], v[2]];
  }

  moveCrosshairTo(vox: Vec3) {
    this.nv.scene.crosshairPos = this.nv.vox2frac(vox);
    this.nv.drawScene();
    this.nv.createOnLocationChange();
  }

  /** NiiVue changes the window itself on a right-drag: report it so the window inputs follow. */
  onWindowChange(cb: (modality: string, lo: number, hi: number) => void) {
    this.nv.onIntensityChange = (volume: NVImage) => {
      for (const [m, v] of this.byModality) if (v === volume) cb(m, v.cal_min ?? 0, v.cal_max ?? 0);
    };
  }

  onCrosshairMove(cb: (vox: Vec3) => void) {
    this.nv.onLocationChange = (data: unknown) => {
      const vox = (data as { vox?: number[] }).vox;
      if (vox) cb([vox[0], vox[1], vox[2]]);
    };
  }

  /** Client (page) coordinates of a voxel's centre in the 2D view across `axis`: for tests and tooling. */
  clientPoint(vox: Vec3, axis: Axis): { x: number; y: number } | null {
    return clientPoint(this.nv, vox, axis);
  }

  /** Draws synchronously, so that a timestamp taken right after marks a frame on screen. */
  drawNow() {
    this.nv.drawScene();
  }

  destroy() {
    this.nv.cleanup();
  }
}
