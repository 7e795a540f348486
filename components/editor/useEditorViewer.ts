'use client';
import { useCallback, useRef, useState, type RefObject } from 'react';
import type { EditSession } from '@/lib/editor/session';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import { newSession, type FrameTarget } from './mask-frames';
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
  target: FrameTarget;
}

/**
 * Shows the first modality with the starting mask as soon as both arrive (the first frame). The other modalities are
 * downloaded in the background but decoded only when first shown or used for threshold painting: decoding a volume
 * costs main-thread time the user would feel as a frozen brush. The edit session outlives the viewer: after a lost
 * WebGL context the new viewer shows the session's mask, so no edit is lost.
 */
export function useEditorViewer(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  /** a 2D canvas over the view, for the preview of a brush stroke while it is drawn */
  overlayRef: RefObject<HTMLCanvasElement | null>,
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
      opened = { session: newSession(mask, viewer.grid(), target, canvas, overlayRef.current), target };
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
 * Milliseconds from navigation to the first frame with image and mask, for the benchmark; the tw:* performance marks
 * break it down (code loaded, WebGL ready, volume decoded, mask decoded).
 */
function markFirstFrame(canvas: HTMLCanvasElement) {
  performance.mark('tw:first-frame');
  canvas.dataset.firstFrameMs = String(Math.round(performance.now()));
}
