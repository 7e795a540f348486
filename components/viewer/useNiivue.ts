'use client';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { MaskViewer } from './mask-viewer';

/**
 * NiiVue's code is the largest chunk of every page with a viewer: it is requested as soon as this module is evaluated
 * in the browser, while React is still hydrating the page, rather than when a viewer's effect first runs.
 */
let viewerCode: Promise<typeof import('./mask-viewer')> | null = null;
export const loadViewerCode = () => (viewerCode ??= import('./mask-viewer'));
if (typeof window !== 'undefined') void loadViewerCode().catch(() => (viewerCode = null));

export type ViewerStatus = 'idle' | 'loading' | 'ready' | 'error' | 'lost';

/** Resolves as the promise does, or rejects with a stale-load error once the work it belongs to was superseded. */
export type Live = <R>(p: Promise<R>) => Promise<R>;

export interface OpenContext<T> {
  canvas: HTMLCanvasElement;
  /** aborted when this open is superseded: unmount (strict mode's first mount too), a new key, a restored context */
  signal: AbortSignal;
  /** Creates the viewer on the canvas, once per open; the hook disposes of it. Rejects if the open went stale. */
  create(): Promise<MaskViewer>;
  /** Await every step through this: a stale open stops at its next step instead of touching a disposed viewer. */
  live: Live;
  /** What the last successful open of this component returned: state to carry over after a lost WebGL context. */
  previous: T | null;
}

export interface NiivueOptions<T> {
  canvasRef: RefObject<HTMLCanvasElement | null>;
  /** Creates the viewer (ctx.create) and loads what it first shows; what it returns is `data`. The latest one is called. */
  open(ctx: OpenContext<T>): Promise<T>;
  /** A new key disposes of the viewer and opens again (compared with Object.is). */
  openKey?: unknown;
  /** false: no viewer (status 'idle') */
  enabled?: boolean;
}

export interface ViewerHandle<T> {
  /** the viewer once `open` finished, null while loading (and after a failure) */
  viewer: MaskViewer | null;
  /** what `open` returned; kept while a lost context is rebuilt */
  data: T | null;
  status: ViewerStatus;
  error: string | null;
  /**
   * Changes what the ready viewer shows (a volume, a mask) so that only the newest change per slot lands: an older one
   * still loading stops at its next `live` step. Resolves true when it landed, false when superseded or not ready.
   */
  swap(slot: string, task: (viewer: MaskViewer, live: Live) => Promise<void>): Promise<boolean>;
}

const LOST = 'The graphics context was lost (the GPU was reset or the browser reclaimed it); the view is rebuilt when it comes back.';
const stale = () => new DOMException('superseded viewer load', 'AbortError');
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Phase<T> {
  key: unknown;
  generation: number;
  viewer: MaskViewer | null;
  data: T | null;
  status: 'ready' | 'error' | 'lost';
  error: string | null;
}

/**
 * The one owner of a NiiVue viewer's lifecycle: creation on the canvas, the first load (guarded against strict mode's
 * double mount and fast navigation), later swaps, disposal (`cleanup()`) on unmount or a new key, and WebGL context
 * loss: the loss is reported (status 'lost'), and when the browser restores the context the viewer is created and
 * opened again, `previous` carrying what the last open returned (the editor's unsaved edits live there, not in WebGL).
 */
export function useNiivue<T>({ canvasRef, open, openKey, enabled = true }: NiivueOptions<T>): ViewerHandle<T> {
  const openRef = useRef(open);
  useLayoutEffect(() => {
    openRef.current = open;
  });
  const [generation, setGeneration] = useState(0);
  const [phase, setPhase] = useState<Phase<T> | null>(null);
  const previous = useRef<T | null>(null);
  const current = useRef<{ viewer: MaskViewer; signal: AbortSignal } | null>(null);
  const slots = useRef(new Map<string, number>());

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !enabled) return;
    const abort = new AbortController();
    const { signal } = abort;
    const key = openKey;
    let viewer: MaskViewer | null = null;
    let lost = false;
    const live: Live = (p) => p.then((r) => (signal.aborted ? Promise.reject(stale()) : r));
    const settle = (next: Omit<Phase<T>, 'key' | 'generation'>) => setPhase({ key, generation, ...next });
    const onLost = (e: Event) => {
      e.preventDefault(); // without this the browser never restores the context
      lost = true;
      setPhase((p) => (p && p.key === key && p.generation === generation ? { ...p, status: 'lost', error: LOST } : p));
    };
    const onRestored = () => setGeneration((g) => g + 1);
    canvas.addEventListener('webglcontextlost', onLost);
    canvas.addEventListener('webglcontextrestored', onRestored);
    const create = async () => {
      if (viewer) throw new Error('create() runs once per open');
      const { MaskViewer } = await live(loadViewerCode());
      const created = await MaskViewer.create(canvas);
      if (signal.aborted) {
        created.destroy();
        throw stale();
      }
      return (viewer = created);
    };
    openRef.current({ canvas, signal, create, live, previous: previous.current }).then(
      (data) => {
        if (signal.aborted) return;
        previous.current = data;
        if (viewer) current.current = { viewer, signal };
        settle({ viewer, data, status: lost ? 'lost' : 'ready', error: lost ? LOST : null });
      },
      (e: unknown) => {
        if (!signal.aborted)
          settle({ viewer: null, data: previous.current, status: lost ? 'lost' : 'error', error: lost ? LOST : message(e) });
      },
    );
    return () => {
      abort.abort();
      canvas.removeEventListener('webglcontextlost', onLost);
      canvas.removeEventListener('webglcontextrestored', onRestored);
      if (current.current?.signal === signal) current.current = null;
      viewer?.destroy();
    };
  }, [canvasRef, enabled, openKey, generation]);

  const swap = useCallback(async (slot: string, task: (viewer: MaskViewer, live: Live) => Promise<void>) => {
    const target = current.current;
    if (!target) return false;
    const token = (slots.current.get(slot) ?? 0) + 1;
    slots.current.set(slot, token);
    const superseded = () => target.signal.aborted || slots.current.get(slot) !== token;
    try {
      await task(target.viewer, (p) => p.then((r) => (superseded() ? Promise.reject(stale()) : r)));
      return !superseded();
    } catch (e) {
      if (superseded()) return false;
      throw e;
    }
  }, []);

  // A phase from an earlier key or context is not this one's: until the new open settles, it is loading.
  const fresh = enabled && phase !== null && Object.is(phase.key, openKey) && phase.generation === generation;
  return {
    viewer: fresh ? phase.viewer : null,
    data: phase?.data ?? null,
    status: !enabled ? 'idle' : fresh ? phase.status : 'loading',
    error: fresh ? phase.error : null,
    swap,
  };
}
