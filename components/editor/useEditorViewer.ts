'use client';
import { useCallback, useRef, useState, type RefObject } from 'react';
import { EditSession } from '@/lib/editor/session';
import type { MaskGrid } from '@/lib/editor/types';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import { unionRange, type DirtyRange } from '@/components/viewer/drawing-upload';
import { loadViewerCode, useNiivue, type OpenContext, type ViewerHandle, type ViewerStatus } from '@/components/viewer/useNiivue';
import { fetchBlob } from './api';

export interface ViewerVolume {
  modality: string;
  sha256: string;
}

export interface ViewerLoad {
  viewer: MaskViewer | null;
  session: EditSession | null;
  status: ViewerStatus;
  error: string | null;
  /** modalities decoded into the viewer (the first one renders before the others are even decoded) */
  loaded: string[];
  /** decodes a modality on first use (its bytes are prefetched in the background after the first frame) */
  ensureModality(modality: string): Promise<void>;
  swap: ViewerHandle<Opened>['swap'];
}

interface Opened {
  session: EditSession;
  /** the viewer the session's changes are drawn on: a restored WebGL context brings a new one */
  target: { viewer: MaskViewer; signal: AbortSignal };
}

/**
 * Shows the first modality with the starting mask as soon as both arrive (the first frame). The other modalities are
 * downloaded in the background but decoded only when first shown or used for threshold painting: decoding a volume
 * costs main-thread time the user would feel as a frozen brush. The edit session outlives the viewer: after a lost
 * WebGL context the new viewer shows the session's mask, so no edit is lost.
 */
export function useEditorViewer(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  volumes: ViewerVolume[],
  firstModality: string,
  maskSha256: string | null,
): ViewerLoad {
  const [loaded, setLoaded] = useState<string[]>([]);
  const pending = useRef(new Map<string, Promise<void>>());
  const prefetched = useRef(new Map<string, Promise<ArrayBuffer>>());
  const caseVolumes = useRef(volumes); // the volumes of a case never change while the editor is open

  const open = async ({ canvas, signal, create, live, previous }: OpenContext<Opened>): Promise<Opened> => {
    const first = volumes.find((v) => v.modality === firstModality) ?? volumes[0];
    if (!first) throw new Error('This case has no image volumes.');
    // Start the downloads before NiiVue's code and WebGL context: the network is the long pole.
    const volumeBytes = fetchBlob(first.sha256, signal);
    const maskBytes = maskSha256 && !previous ? fetchBlob(maskSha256, signal) : Promise.resolve(null);
    const { MaskViewer } = await live(loadViewerCode());
    performance.mark('tw:viewer-code');
    const decoded = MaskViewer.decodeVolume(first.modality, volumeBytes);
    decoded.catch(() => {}); // awaited (and reported) by open()
    const viewer = await create();
    performance.mark('tw:viewer-created');
    const mask = await live(viewer.open(decoded, maskBytes));
    let opened = previous;
    if (opened) viewer.setMask(opened.session.mask);
    else {
      const target = { viewer, signal };
      opened = { session: newSession(mask, viewer.grid(), target, canvas), target };
    }
    opened.target.viewer = viewer;
    opened.target.signal = signal;
    viewer.drawNow();
    if (!previous) markFirstFrame(canvas);
    pending.current = new Map([[first.modality, Promise.resolve()]]);
    setLoaded([first.modality]);
    for (const other of volumes.filter((x) => x !== first)) {
      const bytes = fetchBlob(other.sha256, signal);
      bytes.catch(() => {}); // reported when the modality is first used
      prefetched.current.set(other.modality, bytes);
    }
    return opened;
  };
  const nv = useNiivue<Opened>({ canvasRef, open });
  const { viewer } = nv;

  const ensureModality = useCallback(
    (modality: string): Promise<void> => {
      if (!viewer) return Promise.reject(new Error('The viewer is not ready yet.'));
      const forViewer = pending.current;
      let p = forViewer.get(modality);
      if (!p) {
        const v = caseVolumes.current.find((x) => x.modality === modality);
        if (!v) return Promise.reject(new Error(`This case has no ${modality} volume.`));
        p = (async () => {
          const bytes = await (prefetched.current.get(modality) ?? fetchBlob(v.sha256));
          await viewer.addVolume(modality, bytes);
          if (pending.current === forViewer) setLoaded((s) => [...s, modality]);
        })();
        p.catch(() => forViewer.delete(modality));
        forViewer.set(modality, p);
      }
      return p;
    },
    [viewer],
  );

  return { viewer, session: nv.data?.session ?? null, status: nv.status, error: nv.error, loaded, ensureModality, swap: nv.swap };
}

/**
 * One texture upload per frame, however many mouse events change the mask, on whichever viewer is current. The
 * frame uploads only the slab the stroke changed since the last frame (everything after an undo, a fill...). Each
 * frame that shows mask changes dispatches `tw:mask-frame` on the canvas (detail: the time it finished), which the
 * editor benchmark reads to time painting from pointer event to frame.
 */
function newSession(mask: Uint8Array, grid: MaskGrid, target: Opened['target'], canvas: HTMLCanvasElement): EditSession {
  let queued = false;
  let dirty: DirtyRange | null = null;
  let all = false;
  // `?maskUpload=full` keeps the old whole-volume upload per frame: the benchmark's same-page baseline.
  const partial = new URLSearchParams(window.location.search).get('maskUpload') !== 'full';
  return new EditSession(mask, grid, (range) => {
    if (range && partial && !all) dirty = unionRange(dirty, range);
    else all = true;
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      const upload = all ? null : dirty;
      queued = false;
      all = false;
      dirty = null;
      if (target.signal.aborted) return;
      target.viewer.refreshMask(upload);
      canvas.dispatchEvent(new CustomEvent('tw:mask-frame', { detail: performance.now() }));
    });
  });
}

/**
 * Milliseconds from navigation to the first frame with image and mask, for the benchmark; the tw:* performance marks
 * break it down (code loaded, WebGL ready, volume decoded, mask decoded).
 */
function markFirstFrame(canvas: HTMLCanvasElement) {
  performance.mark('tw:first-frame');
  canvas.dataset.firstFrameMs = String(Math.round(performance.now()));
}
