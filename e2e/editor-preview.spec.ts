import { expect, test, type Page } from '@playwright/test';
import { LABEL_COLOURS } from '../lib/labels';
import { login } from './helpers/auth';
import { expectCounts, labelCounts, plus, prepare, screenPoint, seedEditorCase } from './helpers/editor';

// A brush stroke is drawn on a 2D preview over the view while the button is down (NiiVue renders once, at the end):
// the preview must sit exactly on the voxels painted, in the label's colour, and give way to NiiVue's frame on release.
test.use({ viewport: { width: 1600, height: 1000 } });

type V = [number, number, number];

/** The preview canvas's RGBA at the screen centre of voxel `vox` (axial view). */
async function previewPixel(page: Page, vox: V): Promise<number[]> {
  const p = await screenPoint(page, vox);
  return page.evaluate(({ x, y }) => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid=stroke-preview]')!;
    const r = c.getBoundingClientRect();
    const px = Math.floor(((x - r.left) * c.width) / r.width),
      py = Math.floor(((y - r.top) * c.height) / r.height);
    return [...c.getContext('2d')!.getImageData(px, py, 1, 1).data];
  }, p);
}

test('a stroke shows on the preview where its voxels are while drawn, and in the view once released', async ({ page }) => {
  const s = seedEditorCase(`E2E-PREVIEW-${Date.now().toString(36)}`);
  const z = s.emptySlice;
  await login(page, 'RADIOLOGIST');
  await prepare(page, s); // axial view, ET, 1 mm brush
  const start = await labelCounts(page);

  const from = await screenPoint(page, [100, 120, z]);
  const to = await screenPoint(page, [140, 120, z]);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  // mid-stroke: the painted row is on the preview in ET's colour; the row above and the voxels past the end are not
  const et = LABEL_COLOURS[3];
  for (const x of [100, 120, 140]) {
    await expect.poll(async () => (await previewPixel(page, [x, 120, z])).slice(0, 3)).toEqual(et);
    expect((await previewPixel(page, [x, 120, z]))[3]).toBeGreaterThan(0);
  }
  for (const v of [
    [120, 118, z],
    [120, 122, z],
    [144, 120, z],
    [96, 120, z],
  ] as V[])
    expect((await previewPixel(page, v))[3]).toBe(0);
  await page.mouse.up();

  // released: one undo step of 41 voxels, and the preview is cleared (NiiVue's own frame now shows the stroke)
  await expectCounts(page, plus(start, '3', 41));
  await expect.poll(async () => (await previewPixel(page, [120, 120, z]))[3]).toBe(0);
});
