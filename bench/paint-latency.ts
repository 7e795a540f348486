/**
 * Paint latency per pointer event, for bench/editor.ts: brush strokes with the real (CDP) mouse across the axial view
 * of the editor; each mousemove is timed from its event timestamp to the end of the first mask frame after it (the
 * editor dispatches `tw:mask-frame` on its canvas when a frame with mask changes has been drawn).
 */
import type { Browser, Page } from '@playwright/test';

const STROKES = 4;
const STEPS = 60;

export interface PaintLatency {
  median: number;
  p95: number;
  events: number;
  /** wall time of the strokes divided by their events: what a user feels as the brush keeping up */
  wallPerEvent: number;
  /** with `profile`: the main thread's heaviest functions during the strokes (self time, ms) */
  hot?: { fn: string; ms: number }[];
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

export async function paintLatency(
  browser: Browser,
  login: (p: Page) => Promise<void>,
  url: string,
  query: string,
  profile = false,
  viewport = { width: 1600, height: 1000 },
): Promise<PaintLatency> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await login(page);
  await page.goto(url + query);
  await page.locator('[data-testid=label-editor][data-ready=true]').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => !!window.tumorwatchViewer, undefined, { polling: 100 });
  await page.evaluate(() => {
    const probe = { events: [] as number[], frames: [] as number[] };
    (window as unknown as { twPaint: typeof probe }).twPaint = probe;
    window.addEventListener('mousemove', (e) => e.buttons & 1 && probe.events.push(e.timeStamp), { capture: true });
    document
      .querySelector('[data-testid=viewer-canvas]')!
      .addEventListener('tw:mask-frame', (e) => probe.frames.push((e as CustomEvent<number>).detail));
  });
  await page.getByTestId('viewer-canvas').evaluate((el) => el.scrollIntoView({ block: 'start' })); // clear of the sticky save bar
  await page.keyboard.press('b');
  const z = (await page.evaluate(() => window.tumorwatchViewer!.crosshair()))[2];
  const cdp = profile ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  let wall = 0;
  for (let i = 0; i < STROKES; i++) {
    const y = 90 + i * 12;
    const a = (await page.evaluate(([yy, zz]) => window.tumorwatchViewer!.clientPoint([60, yy, zz], 2), [y, z]))!;
    const b = (await page.evaluate(([yy, zz]) => window.tumorwatchViewer!.clientPoint([180, yy, zz], 2), [y, z]))!;
    await page.mouse.move(Math.round(a.x), Math.round(a.y));
    const t0 = Date.now();
    await page.mouse.down();
    await page.mouse.move(Math.round(b.x), Math.round(b.y), { steps: STEPS });
    await page.mouse.up();
    wall += Date.now() - t0;
  }
  // let the last frame land
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const hot = cdp ? hottest((await cdp.send('Profiler.stop')).profile as CpuProfile) : undefined;
  const { events, frames } = await page.evaluate(() => (window as unknown as { twPaint: { events: number[]; frames: number[] } }).twPaint);
  await context.close();
  const latencies: number[] = [];
  for (const t of events) {
    const frame = frames.find((f) => f >= t);
    if (frame !== undefined) latencies.push(frame - t);
  }
  if (latencies.length === 0) throw new Error('no mask frame followed the strokes: did the brush paint?');
  return {
    median: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    events: latencies.length,
    wallPerEvent: wall / events.length,
    hot,
  };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function from a CDP CPU profile, heaviest first. */
function hottest(p: CpuProfile, n = 12): { fn: string; ms: number }[] {
  const byNode = new Map(p.nodes.map((x) => [x.id, x.callFrame]));
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const f = byNode.get(id)!;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(name, (self.get(name) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms) }));
}
