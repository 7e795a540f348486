import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { E2E_ENV } from '../playwright.config';
import { displayKeys, SHORTCUTS } from '../lib/editor/shortcuts';
import { login } from './helpers/auth';
import { labelCounts, moveCrosshair, openEditor, paintPath, seedEditorCase, type SeededCase } from './helpers/editor';
import { niftiValueAt } from './helpers/nifti-value';

// Navigation in the editor (zoom, pan, slices, cursor readout), its layout (sticky save bar, shortcut sheet) and the
// next-case key, driven with the real mouse and keyboard on a real case.
const seed = (name: string) => seedEditorCase(`E2E-NAV-${name}-${Date.now().toString(36)}`);
const T1C = path.resolve(__dirname, '../../shared/data/real/TCGA-DU-7294/images/t1c.nii.gz');
type V = [number, number, number];

async function point(page: Page, vox: V) {
  const p = await page.evaluate((v) => window.tumorwatchViewer!.clientPoint(v, 2), vox);
  if (!p) throw new Error(`voxel ${vox.join(',')} is not in the axial view`);
  return p;
}

/** Screen pixels per voxel along x in the axial view: what zooming changes. */
async function scale(page: Page, z: number) {
  return ((await point(page, [140, 120, z])).x - (await point(page, [100, 120, z])).x) / 40;
}

async function openAxial(page: Page, s: SeededCase) {
  await openEditor(page, s.caseId);
  await page.getByRole('radiogroup', { name: 'Layout' }).getByRole('radio', { name: 'Axial', exact: true }).click();
  await moveCrosshair(page, [120, 120, s.emptySlice]);
}

test.describe('at 1600x1000', () => {
  test.use({ viewport: { width: 1600, height: 1000 } });

  test('Ctrl+wheel and the buttons zoom, middle and Space drags pan without painting, the slider changes slice', async ({ page }) => {
    const s = seed('ZOOM');
    const z = s.emptySlice;
    await login(page, 'RADIOLOGIST');
    await openAxial(page, s);
    const before = await labelCounts(page);
    const s0 = await scale(page, z);
    const c = await point(page, [120, 120, z]);
    await page.mouse.move(Math.round(c.x), Math.round(c.y));
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await expect(page.getByTestId('zoom-level')).toHaveText('125%');
    expect((await scale(page, z)) / s0).toBeCloseTo(1.25, 2);
    await page.getByRole('button', { name: '+', exact: true }).click();
    await expect(page.getByTestId('zoom-level')).toHaveText('156%');
    expect((await scale(page, z)) / s0).toBeCloseTo(1.56, 2);

    // Pan: the voxel under the mouse follows the drag, and the brush (the active tool) paints nothing.
    for (const how of ['middle', 'space'] as const) {
      const p = await point(page, [120, 120, z]);
      await page.mouse.move(Math.round(p.x), Math.round(p.y));
      if (how === 'space') await page.keyboard.down('Space');
      await page.mouse.down({ button: how === 'middle' ? 'middle' : 'left' });
      await page.mouse.move(Math.round(p.x) + 60, Math.round(p.y) + 30, { steps: 5 });
      await page.mouse.up({ button: how === 'middle' ? 'middle' : 'left' });
      if (how === 'space') await page.keyboard.up('Space');
      const q = await point(page, [120, 120, z]);
      expect(q.x - p.x).toBeCloseTo(60, -0.5);
      expect(q.y - p.y).toBeCloseTo(30, -0.5);
    }
    expect(await labelCounts(page)).toEqual(before);

    await page.getByRole('button', { name: 'Fit' }).click();
    await expect(page.getByTestId('zoom-level')).toHaveText('100%');
    expect(await scale(page, z)).toBeCloseTo(s0, 3);

    await expect(page.getByTestId('slice-axial')).toHaveText(`${z + 1} / ${s.dims[2]}`);
    await page.getByLabel('Axial slice').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('slice-axial')).toHaveText(`${z + 2} / ${s.dims[2]}`);
    expect((await page.evaluate(() => window.tumorwatchViewer!.crosshair()))[2]).toBeCloseTo(z + 1, 3);
  });

  test('the cursor readout shows the voxel, its RAS position and the intensity the NIfTI file holds there', async ({ page }) => {
    const s = seed('READOUT');
    const z = s.emptySlice;
    await login(page, 'RADIOLOGIST');
    await openAxial(page, s);
    const vox: V = [110, 131, z];
    const p = await point(page, vox);
    await page.mouse.move(Math.round(p.x), Math.round(p.y));
    await expect(page.getByTestId('readout-voxel')).toHaveText(`voxel ${vox.join(', ')}`);
    const mm = (await page.getByTestId('readout-mm').textContent())!.match(/-?\d+\.\d/g)!.map(Number) as V;
    const expected = niftiValueAt(T1C, mm);
    expect(expected.value).not.toBe(0); // inside the head: a real intensity, not background
    await expect(page.getByTestId('readout-T1C')).toHaveAttribute('data-value', String(expected.value));
  });

  test('? lists every shortcut; after Submit the next case in the queue is one key away', async ({ page }) => {
    const s = seed('NEXT');
    const other = seed('NEXT-OTHER');
    flagCase(s.caseId);
    flagCase(other.caseId);
    await login(page, 'RADIOLOGIST');
    await openAxial(page, s);
    await page.keyboard.press('Shift+?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(sheet).toBeVisible();
    for (const sc of SHORTCUTS)
      await expect(sheet.getByRole('row', { name: `${displayKeys(sc.keys)} ${sc.description}`, exact: true })).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(sheet).toBeHidden();

    await page.keyboard.press('b');
    await paintPath(page, [
      [100, 100, s.emptySlice],
      [110, 100, s.emptySlice],
    ]);
    await page.keyboard.press('Control+s');
    await expect(page.getByTestId('editor-notice')).toHaveText(/^Saved version/);
    await page.getByRole('button', { name: 'Submit for review' }).click();
    const next = page.getByTestId('next-case').getByRole('link');
    await expect(next).toBeVisible();
    const href = (await next.getAttribute('href'))!;
    expect(href).not.toContain(s.caseId);
    await page.keyboard.press('Shift+N');
    await expect(page).toHaveURL(new RegExp(`${href}$`));
    await expect(page.getByTestId('label-editor')).toHaveAttribute('data-ready', 'true');
  });
});

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 1600, height: 1000 },
]) {
  test(`save bar, readout and messages stay on screen at ${viewport.width}x${viewport.height}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const s = seed(`STICKY-${viewport.width}`);
    await login(page, 'RADIOLOGIST');
    await openEditor(page, s.caseId);
    await page.keyboard.press('b');
    await paintPath(page, [
      [100, 100, (await page.evaluate(() => window.tumorwatchViewer!.crosshair()))[2]],
      [110, 100, (await page.evaluate(() => window.tumorwatchViewer!.crosshair()))[2]],
    ]);
    await page.keyboard.press('r'); // remove islands: a tool message
    for (const scrollY of [0, 10_000]) {
      await page.evaluate((y) => window.scrollTo(0, y), scrollY);
      for (const el of [
        page.getByRole('button', { name: 'Save version' }),
        page.getByTestId('save-state'),
        page.getByTestId('cursor-readout'),
        page.getByTestId('editor-notice'),
      ]) {
        await expect(el).toBeInViewport({ ratio: 1 });
      }
    }
  });
}

/** A physician's flag puts the case in the review queue. */
function flagCase(caseId: string) {
  const code = `const { db } = require('./lib/server/db');
    (async () => {
      const u = await db().user.findFirstOrThrow({ where: { role: 'PHYSICIAN' } });
      await db().flag.create({ data: { caseId: '${caseId}', userId: u.id, reason: 'BOUNDARY' } });
      process.exit(0);
    })().catch((e) => { console.error(e); process.exit(1); });`;
  execFileSync('npx', ['tsx', '--conditions=react-server', '-e', code], { env: { ...process.env, ...E2E_ENV }, stdio: 'inherit' });
}

test.describe('3D pane', () => {
  test.use({ viewport: { width: 1600, height: 1000 } });

  test('the 3D render beside the three views follows the edited mask', async ({ page }) => {
    const s = seed('RENDER3D');
    await login(page, 'RADIOLOGIST');
    await openEditor(page, s.caseId);
    await page.getByRole('radiogroup', { name: 'Layout' }).getByRole('radio', { name: '3 views + 3D' }).click();
    await page.getByTestId('viewer-canvas').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await expect.poll(() => page.evaluate(() => window.tumorwatchViewer!.renderTileRect())).not.toBeNull();
    const tile = (await page.evaluate(() => window.tumorwatchViewer!.renderTileRect()))!;
    const clip = { x: Math.ceil(tile.x), y: Math.ceil(tile.y), width: Math.floor(tile.width) - 1, height: Math.floor(tile.height) - 1 };
    const before = await page.screenshot({ clip });
    // A large ED sphere painted in the axial view must appear in the render.
    await page.keyboard.press('b');
    await page.keyboard.press('2');
    await page.keyboard.press('s'); // 3D sphere
    for (let i = 0; i < 10; i++) await page.keyboard.press(']');
    const c = (await page.evaluate(() => window.tumorwatchViewer!.crosshair())).map(Math.round) as V;
    const before3d = await labelCounts(page);
    await paintPath(page, [c, [c[0] + 10, c[1], c[2]]]);
    await expect.poll(async () => (await labelCounts(page))['2'] > before3d['2']).toBe(true);
    await expect.poll(async () => Buffer.compare(await page.screenshot({ clip }), before)).not.toBe(0);
  });
});
