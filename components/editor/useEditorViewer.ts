'use client';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { EditSession } from '@/lib/editor/session';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import { fetchBlob } from './api';

/**
 * NiiVue's code (the largest chunk of the editor) is requested as soon as this module is evaluated in the browser,
 * while React is still hydrating the page, rather than when the viewer's effect first runs.
 */
let viewerCode: Promise<typeof import('@/components/viewer/mask-viewer')> | null = null;
const loadViewerCode = () => (viewerCode ??= import('@/components/viewer/mask-viewer'));
if (typeof window !== 'undefined') void loadViewerCode().catch(() => (viewerCode = null));

export interface ViewerVolume {
  modality: string;
  sha256: string;
}

export interface ViewerLoad {
  viewer: MaskViewer | null;
  session: EditSession | null;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** modalities decoded into the viewer (the first one renders before the others are even decoded) */
  loaded: string[];
  /** decodes a modality on first use (its bytes are prefetched in the background after the first frame) */
  ensureModality(modality: string): Promise<void>;
}

/**
 * Creates the NiiVue viewer and shows the first modality with the starting mask as soon as both arrive (the first
 * frame). The other modalities are downloaded in the background but decoded only when first shown or used for
 * threshold painting: decoding a volume costs main-thread time the user would feel as a frozen brush.
 * Strict mode mounts effects twice: every await checks `cancelled`.
 */
export function useEditorViewer(
  canvasRef: RefObject<HTMLCanvasElement | null>, volumes: ViewerVolume[], firstModality: string, maskSha256: string | null,
): ViewerLoad {
  const [state, setState] = useState<Omit<ViewerLoad, 'ensureModality'>>({ viewer: null, session: null, status: 'loading', error: null, loaded: [] });
  const args = useRef({ volumes, firstModality, maskSha256 });
  const pending = useRef(new Map<string, Promise<void>>());
  const prefetched = useRef(new Map<string, Promise<ArrayBuffer>>());

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const { volumes, firstModality, maskSha256 } = args.current;
    let cancelled = false;
    let viewer: MaskViewer | null = null;
    const abort = new AbortController();
    (async () => {
      const first = volumes.find((v) => v.modality === firstModality) ?? volumes[0];
      if (!first) throw new Error('This case has no image volumes.');
      // Start the downloads before NiiVue's code and WebGL context: the network is the long pole.
      const volumeBytes = fetchBlob(first.sha256, abort.signal);
      const maskBytes = maskSha256 ? fetchBlob(maskSha256, abort.signal) : Promise.resolve(null);
      const { MaskViewer } = await loadViewerCode();
      performance.mark('tw:viewer-code');
      const decoded = MaskViewer.decodeVolume(first.modality, volumeBytes);
      decoded.catch(() => {}); // awaited (and reported) by open()
      viewer = await MaskViewer.create(canvas);
      performance.mark('tw:viewer-created');
      if (cancelled) return;
      const mask = await viewer.open(decoded, maskBytes);
      if (cancelled) return;
      const grid = viewer.grid();
      const v = viewer;
      let renderQueued = false; // one texture upload per frame, however many mouse events arrive
      const session = new EditSession(mask, grid, () => {
        if (renderQueued) return;
        renderQueued = true;
        requestAnimationFrame(() => {
          renderQueued = false;
          if (!cancelled) v.refreshMask();
        });
      });
      viewer.drawNow();
      markFirstFrame(canvas);
      pending.current.set(first.modality, Promise.resolve());
      setState({ viewer, session, status: 'ready', error: null, loaded: [first.modality] });
      for (const other of volumes.filter((x) => x !== first)) {
        const bytes = fetchBlob(other.sha256, abort.signal);
        bytes.catch(() => {}); // reported when the modality is first used
        prefetched.current.set(other.modality, bytes);
      }
    })().catch((e: unknown) => {
      if (cancelled) return;
      setState((s) => ({ ...s, status: 'error', error: e instanceof Error ? e.message : String(e) }));
    });
    return () => {
      cancelled = true;
      abort.abort();
      viewer?.destroy();
    };
  }, [canvasRef]);

  const ensureModality = useCallback(
    (modality: string): Promise<void> => {
      const viewer = state.viewer;
      if (!viewer) return Promise.reject(new Error('The viewer is not ready yet.'));
      let p = pending.current.get(modality);
      if (!p) {
        const v = args.current.volumes.find((x) => x.modality === modality);
        if (!v) return Promise.reject(new Error(`This case has no ${modality} volume.`));
        p = (async () => {
          const bytes = await (prefetched.current.get(modality) ?? fetchBlob(v.sha256));
          await viewer.addVolume(modality, bytes);
          setState((s) => ({ ...s, loaded: [...s.loaded, modality] }));
        })();
        p.catch(() => pending.current.delete(modality));
        pending.current.set(modality, p);
      }
      return p;
    },
    [state.viewer],
  );

  return { ...state, ensureModality };
}

/**
 * Milliseconds from navigation to the first frame with image and mask, for the benchmark; the tw:* performance marks
 * break it down (code loaded, WebGL ready, volume decoded, mask decoded).
 */
function markFirstFrame(canvas: HTMLCanvasElement) {
  performance.mark('tw:first-frame');
  canvas.dataset.firstFrameMs = String(Math.round(performance.now()));
}
