/**
 * Mask editor latency against the production build, in headless Chromium (WebGL2 via SwiftShader):
 * - first frame: navigation -> first rendered frame of a real case (4 modalities + production mask) in the editor,
 *   read from the page's own mark (canvas data-first-frame-ms); fresh browser context per run (cold HTTP cache).
 *   Baseline: in the same page, a plain fetch (no-store) of the bytes that frame needs (first volume + mask).
 * - save round trip: Ctrl+S after a brush stroke -> "Saved version N" shown. Baseline: a plain fetch (no-store) of
 *   the saved version's bytes in the same page.
 * - paint latency per pointer event: scripted brush strokes with the real mouse across the axial view; for each
 *   mousemove, the time from the event to the end of the frame that drew its paint (the editor dispatches
 *   `tw:mask-frame` after each mask frame). Baseline: the same strokes with `?strokePreview=off` (NiiVue renders
 *   every frame of a stroke, as before the 2D stroke preview), in the same run; `?maskUpload=full` (the whole drawing
 *   uploaded every frame, as before the slab upload) is recorded beside it. See bench/paint-latency.ts.
 * The load average (1 min) before and after is recorded: on a loaded machine every figure grows.
 * Needs `next build` first. Uses its own temporary database and blob folder and a server on port 3111.
 *   npx tsx --conditions=react-server bench/editor.ts [--loads 3] [--saves 5] [--profile]
 * --profile prints the main thread's heaviest functions during the strokes, with and without the preview.
 * Writes bench/results/editor.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';
import { paintLatency } from './paint-latency';

const ROOT = path.resolve(__dirname, '..');
const PORT = 3111;
const BASE = `http://localhost:${PORT}`;
const USER = { email: 'bench-radiologist@bench.local', password: 'bench radiologist passphrase', name: 'Bench Radiologist' };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r1 = (x: number) => Math.round(x * 10) / 10;

function benchEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: `file:${path.join(dir, 'bench.db')}`,
    BLOB_ROOT: path.join(dir, 'blobs'),
    NEXTAUTH_URL: BASE,
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString('hex'),
    WORKER_MODE: 'external',
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production' as const,
  };
}

/** A migrated database with one radiologist, the production model and one real case, through the app's own code. */
function prepareData(env: NodeJS.ProcessEnv): string {
  const tsx = (args: string[]) => execFileSync('npx', ['tsx', '--conditions=react-server', ...args], { cwd: ROOT, env, encoding: 'utf8' });
  execFileSync('npx', ['tsx', '--conditions=react-server', 'scripts/db.ts', 'deploy'], { cwd: ROOT, env, stdio: 'ignore' });
  tsx([
    '-e',
    `require('./lib/server/users').createUser({ kind: 'system' }, { email: '${USER.email}', name: '${USER.name}', role: 'RADIOLOGIST', password: '${USER.password}' }).then(() => process.exit(0))`,
  ]);
  // the seeded case's prediction is attributed to the production model, as in the demo
  tsx(['-e', `require('./prisma/seed-model').seedProductionModel().then(() => process.exit(0))`]);
  const out = tsx(['e2e/helpers/editor.ts', 'seed', `BENCH-${Date.now().toString(36)}`]);
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { caseId: string }).caseId;
}

async function startServer(env: NodeJS.ProcessEnv) {
  const server = spawn('npx', ['next', 'start', '-p', String(PORT)], { cwd: ROOT, env, stdio: 'ignore', detached: true });
  for (let i = 0; i < 120; i++) {
    if (
      await fetch(`${BASE}/login`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return server;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the server did not start (did you run `next build`?)');
}

async function login(page: Page) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Email').fill(USER.email);
  await page.getByLabel('Password').fill(USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('current-user').waitFor();
}

/** Plain fetch of the given blobs in the page, bypassing the HTTP cache; milliseconds. */
async function fetchBaseline(page: Page, shas: string[]): Promise<number> {
  return page.evaluate(async (list) => {
    const t0 = performance.now();
    await Promise.all(list.map((s) => fetch(`/api/blobs/${s}`, { cache: 'no-store' }).then((r) => r.arrayBuffer())));
    return performance.now() - t0;
  }, shas);
}

async function firstFrame(browser: Browser, caseId: string) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await login(page);
  await page.goto(`${BASE}/cases/${caseId}/edit`);
  await page.locator('[data-testid=viewer-canvas][data-first-frame-ms]').waitFor({ timeout: 120_000 });
  const frameMs = Number(await page.getByTestId('viewer-canvas').getAttribute('data-first-frame-ms'));
  const marks = await page.evaluate(() =>
    Object.fromEntries(
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith('tw:'))
        .map((m) => [m.name, m.startTime]),
    ),
  );
  // The first-frame bytes: the blobs the page fetched before its first frame (first volume + mask).
  const shas = await page.evaluate(
    (t) =>
      performance
        .getEntriesByType('resource')
        .filter((r) => r.name.includes('/api/blobs/') && r.startTime < t)
        .map((r) => r.name.split('/').pop()!),
    frameMs,
  );
  const all = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((r) => r.name.includes('/api/blobs/'))
      .map((r) => r.name.split('/').pop()!),
  );
  await page.locator('[data-testid=label-editor][data-ready=true]').waitFor();
  const baseline = await fetchBaseline(page, shas);
  const allBytes = await fetchBaseline(page, [...new Set(all)]);
  await context.close();
  return { frameMs, baseline, allBytes, marks, blobs: shas.length };
}

async function saveRoundTrips(browser: Browser, caseId: string, n: number) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await login(page);
  await page.goto(`${BASE}/cases/${caseId}/edit`);
  await page.locator('[data-testid=label-editor][data-ready=true]').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => !!window.tumorwatchViewer, undefined, { polling: 100 });
  await showWholeView(page);
  const saves: number[] = [],
    baselines: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = (await page.evaluate(() => window.tumorwatchViewer!.crosshair()))[2];
    const p = (await page.evaluate(([y, zz]) => window.tumorwatchViewer!.clientPoint([60, y, zz], 2), [80 + i * 8, z]))!;
    await page.mouse.move(Math.round(p.x), Math.round(p.y));
    await page.mouse.down();
    await page.mouse.move(Math.round(p.x) + 20, Math.round(p.y), { steps: 4 });
    await page.mouse.up();
    await page.locator('[data-testid=save-state][data-dirty=true]').waitFor();
    const t0 = await page.evaluate(() => performance.now());
    await page.keyboard.press('Control+s');
    await page
      .getByTestId('editor-notice')
      .filter({ hasText: /^Saved version/ })
      .waitFor();
    saves.push((await page.evaluate(() => performance.now())) - t0);
    // Baseline: the same bytes (the version just saved, newest in the history) fetched plainly by the same page.
    const sha = await page.locator('[data-testid^=version-]').first().getAttribute('data-sha');
    baselines.push(await fetchBaseline(page, [sha!]));
  }
  await context.close();
  return { save: median(saves), baseline: median(baselines.filter(Number.isFinite)) };
}

/** Scrolls the views to the top of the window: the whole image is then on screen, clear of the sticky save bar. */
async function showWholeView(page: Page) {
  await page.getByTestId('viewer-canvas').evaluate((el) => el.scrollIntoView({ block: 'start' }));
}

async function main() {
  const { values } = parseArgs({
    options: {
      loads: { type: 'string', default: '3' },
      saves: { type: 'string', default: '5' },
      profile: { type: 'boolean', default: false },
    },
  });
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('no production build: run `npx next build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-bench-editor-'));
  const env = benchEnv(dir);
  const caseId = prepareData(env);
  const server = await startServer(env);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-first-run'],
  });
  const loadBefore = os.loadavg()[0];
  try {
    const editUrl = `${BASE}/cases/${caseId}/edit`;
    const paint = await paintLatency(browser, (page) => login(page), editUrl, '', values.profile);
    const paintRender = await paintLatency(browser, (page) => login(page), editUrl, '?strokePreview=off', values.profile);
    const paintFull = await paintLatency(browser, (page) => login(page), editUrl, '?strokePreview=off&maskUpload=full', false);
    // Diagnostic: a smaller window has fewer pixels for software WebGL to shade per frame.
    const paintSmall = await paintLatency(browser, (page) => login(page), editUrl, '', false, { width: 1024, height: 640 });
    if (values.profile) console.log(JSON.stringify({ preview: paint.hot, render: paintRender.hot }, null, 1));
    const loads = [];
    for (let i = 0; i < Number(values.loads); i++) loads.push(await firstFrame(browser, caseId));
    const save = await saveRoundTrips(browser, caseId, Number(values.saves));
    const frame = median(loads.map((l) => l.frameMs));
    const frameBase = median(loads.map((l) => l.baseline));
    const marks = loads[loads.length - 1].marks;
    const result = {
      first_frame_ms: r1(frame),
      first_frame_fetch_baseline_ms: r1(frameBase),
      first_frame_ratio: r1(frame / frameBase),
      first_frame_target_ms: 2000,
      first_frame_blobs: loads[0].blobs,
      all_blobs_fetch_ms: r1(median(loads.map((l) => l.allBytes))),
      mark_viewer_code_ms: r1(marks['tw:viewer-code']),
      mark_webgl_ready_ms: r1(marks['tw:viewer-created']),
      mark_volume_decoded_ms: r1(marks['tw:volume-decoded']),
      mark_mask_decoded_ms: r1(marks['tw:mask-decoded']),
      save_round_trip_ms: r1(save.save),
      save_fetch_baseline_ms: r1(save.baseline),
      save_ratio: r1(save.save / save.baseline),
      save_target_ms: 1000,
      paint_event_median_ms: r1(paint.median),
      paint_event_p95_ms: r1(paint.p95),
      paint_event_target_ms: 16,
      paint_events: paint.events,
      paint_stroke_ms_per_event: r1(paint.wallPerEvent),
      paint_render_per_frame_median_ms: r1(paintRender.median),
      paint_render_per_frame_p95_ms: r1(paintRender.p95),
      paint_render_per_frame_ms_per_event: r1(paintRender.wallPerEvent),
      paint_full_upload_median_ms: r1(paintFull.median),
      paint_full_upload_p95_ms: r1(paintFull.p95),
      paint_full_upload_ms_per_event: r1(paintFull.wallPerEvent),
      paint_ratio: r1(paint.median / paintRender.median),
      paint_event_median_ms_1024x640: r1(paintSmall.median),
      paint_event_p95_ms_1024x640: r1(paintSmall.p95),
      load_avg_1m_before: r1(loadBefore),
      load_avg_1m_after: r1(os.loadavg()[0]),
      loads: loads.length,
      saves: Number(values.saves),
      renderer: 'SwiftShader (software WebGL2)',
      cpus: os.cpus().length,
    };
    console.table(result);
    console.log(
      `first frame ${result.first_frame_ms} ms = ${result.first_frame_ratio}x a plain fetch of its bytes; save ${result.save_round_trip_ms} ms = ${result.save_ratio}x a plain fetch; paint ${result.paint_event_median_ms} ms/event median = ${result.paint_ratio}x rendering NiiVue per frame; load ${result.load_avg_1m_before}`,
    );
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench/results/editor.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    await browser.close();
    process.kill(-server.pid!, 'SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
