import { expect, test, type Page } from '@playwright/test';
import { login } from './helpers/auth';
import {
  clickVoxel,
  drawSquare,
  expectCounts,
  labelCounts,
  labelHead,
  moveCrosshair,
  openEditor,
  plus,
  prepare,
  seedEditorCase,
  setBrushSize,
} from './helpers/editor';

// The editor's 3D and intensity tools driven with the real mouse and keyboard on a real case; each expectation is
// the exact voxel count the tool must change (brush shapes and interpolation are unit-tested in lib/editor).
const seed = (name: string) => seedEditorCase(`E2E-TOOLS-${name}-${Date.now().toString(36)}`);
test.use({ viewport: { width: 1600, height: 1000 } });

async function setThreshold(page: Page, lo: number, hi: number) {
  await page.getByLabel('Threshold minimum').fill(String(lo));
  await page.getByLabel('Threshold maximum').fill(String(hi));
  await releaseFocus(page);
}

/** Shortcuts are not taken from a focused form control (typing a number must not switch tools). */
async function releaseFocus(page: Page) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

test('threshold painting only paints voxels in range; the sphere brush paints in 3D', async ({ page }) => {
  const s = seed('THRESHOLD');
  const z = s.emptySlice;
  await login(page, 'RADIOLOGIST');
  await prepare(page, s);
  const start = await labelCounts(page);

  await page.getByLabel('Threshold on').check();
  await releaseFocus(page);
  await setThreshold(page, 1e8, 2e8); // no voxel of an MRI is that bright: the click must paint nothing
  await clickVoxel(page, [140, 120, z]);
  await setThreshold(page, -1e8, 1e8); // every voxel is in range: one voxel
  await clickVoxel(page, [144, 120, z]);
  await page.getByLabel('Threshold on').uncheck();
  await releaseFocus(page);
  await clickVoxel(page, [148, 120, z]);
  await expectCounts(page, plus(start, '3', 2));

  // 3 mm sphere on a 1 mm grid: the centre, 6 face and 12 edge neighbours (corners are sqrt(3) mm away > 1.5 mm)
  await page.keyboard.press('s');
  await setBrushSize(page, '3');
  await moveCrosshair(page, [120, 140, z + 2]);
  await clickVoxel(page, [120, 140, z + 2]);
  await expectCounts(page, plus(start, '3', 2 + 19));
});

test('fill between slices interpolates the gap; remove islands deletes a stray voxel; both undo', async ({ page }) => {
  const s = seed('INTERP');
  const z = s.emptySlice;
  await login(page, 'RADIOLOGIST');
  await prepare(page, s);
  // Start from the fusion mask, which has no enhancing tumour: the only ET on any slice is then what this test draws,
  // so the tool's whole effect is known (the prediction's ET islands would leave gaps it would rightly fill too).
  const form = page.getByRole('form', { name: 'Import a mask' });
  await form.getByLabel('Mask file').setInputFiles(s.importFile);
  await form.getByLabel('Label convention').selectOption('brats2020');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('editor-notice')).toHaveText('Imported fusion-mav.nii.gz as version 2.');
  await expectCounts(page, s.importCounts);
  expect(s.importCounts['3']).toBe(0);
  await releaseFocus(page);
  await page.keyboard.press('3');
  const start = await labelCounts(page);

  // The same filled 21x21 square on slices z and z+4 (441 voxels each), then the three slices between.
  for (const slice of [z, z + 4]) {
    await moveCrosshair(page, [120, 120, slice]);
    await page.keyboard.press('b');
    await drawSquare(page, s, 120, 120, slice);
    await page.keyboard.press('f');
    await clickVoxel(page, [120, 120, slice]);
  }
  await expectCounts(page, plus(start, '3', 2 * 441));
  // past the fill limit it asks first, as a fill does: declined, nothing changes
  await page.getByLabel('Fill limit (mL)').fill('1');
  const asked: string[] = [];
  page.once('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.dismiss();
  });
  await page.getByRole('button', { name: 'Fill between slices' }).click();
  await expect(page.getByTestId('editor-notice')).toHaveText('Fill between slices not applied: nothing changed.');
  expect(asked).toEqual(['This fill between slices changes 1.3 mL (ET). Apply?']);
  await expectCounts(page, plus(start, '3', 2 * 441));
  await page.getByLabel('Fill limit (mL)').fill('10');
  await page.getByRole('button', { name: 'Fill between slices' }).click();
  await expect(page.getByTestId('editor-notice')).toHaveText('Filled 3 slices (1,323 voxels).');
  await expectCounts(page, plus(start, '3', 5 * 441));

  // A stray ET voxel far from the slab is an island under 0.1 mL; the slab (2.2 mL) is kept.
  await moveCrosshair(page, [150, 100, z]);
  await page.keyboard.press('b');
  await clickVoxel(page, [150, 100, z]);
  await expectCounts(page, plus(start, '3', 5 * 441 + 1));
  await page.getByLabel('Island scope').selectOption('active');
  await releaseFocus(page);
  await page.getByRole('button', { name: 'Remove islands' }).click();
  await expect(page.getByTestId('editor-notice')).toHaveText('Removed 1 island(s) (1 voxels); kept 1.');
  await expectCounts(page, plus(start, '3', 5 * 441));
  await page.keyboard.press('Control+z');
  await expectCounts(page, plus(start, '3', 5 * 441 + 1));
});

test('an earlier version opens read-only, and restoring it saves a new version with its exact mask', async ({ page }) => {
  const s = seed('RESTORE');
  await login(page, 'RADIOLOGIST');
  await prepare(page, s);
  const v1 = await labelCounts(page);
  await drawSquare(page, s, 120, 120);
  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByTestId('editor-notice')).toHaveText('Saved version 2.');

  await page.getByTestId('version-1').getByRole('button', { name: 'View' }).click();
  await expect(page.getByText('(read-only). Your working mask is unchanged.', { exact: false })).toBeVisible();
  await expect(page.getByTestId('version-1')).toHaveAttribute('data-voxels', JSON.stringify(v1));
  await page.getByTestId('version-1').getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByTestId('editor-notice')).toHaveText(/Restored version 1 as version 3/);
  expect(labelHead(s.caseId)).toMatchObject({ number: 3, voxelCounts: v1, recount: v1 });
  await page.reload();
  await openEditor(page, s.caseId);
  await expectCounts(page, v1);
});
