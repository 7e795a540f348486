import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { login } from './helpers/auth';

// A real glioma case (four modalities) from ../shared, uploaded through the form as a user would.
const IMAGES = path.resolve(__dirname, '../../shared/data/real/TCGA-FG-6692/images');
const MODALITY_FILES = [
  ['T1 (native)', 't1.nii.gz'],
  ['T1 contrast-enhanced', 't1c.nii.gz'],
  ['T2', 't2.nii.gz'],
  ['T2-FLAIR', 'flair.nii.gz'],
] as const;

interface PixelStats {
  /** share of pixels brighter than near-black: the MRI is rendered */
  lit: number;
  /** pixels with a clearly non-grey colour: the label overlay (the MRI itself is greyscale) */
  coloured: number;
  /** mean grey value (0-255) */
  mean: number;
}

/**
 * What the canvas shows, read from a real screenshot (the composited WebGL output, whatever the drawing-buffer
 * settings), decoded by the browser itself so the test needs no PNG library.
 */
async function canvasPixels(page: Page, canvas: Locator, name: string): Promise<PixelStats> {
  const shot = await canvas.screenshot();
  await test.info().attach(name, { body: shot, contentType: 'image/png' });
  const png = shot.toString('base64');
  return page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const px = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let lit = 0;
    let coloured = 0;
    let sum = 0;
    for (let i = 0; i < px.length; i += 4) {
      const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
      if (Math.max(r, g, b) > 24) lit++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      sum += (r + g + b) / 3;
    }
    return { lit: lit / (px.length / 4), coloured, mean: sum / (px.length / 4) };
  }, png);
}

test.use({ viewport: { width: 1400, height: 1000 } });

test('a case uploaded through the form appears in the worklist, is segmented, and opens in the viewer with its overlay drawn', async ({
  page,
}) => {
  const externalId = `E2E-UPLOAD-${Date.now().toString(36)}`;
  await login(page, 'PHYSICIAN');
  await page.goto('/cases');
  const form = page.getByRole('form', { name: 'Upload a case' });
  await form.getByLabel('Case id').fill(externalId);
  await form.getByLabel('Site').fill('e2e-site');
  await form.getByLabel('Scanner manufacturer').fill('Siemens');
  for (const [label, file] of MODALITY_FILES) await form.getByLabel(label, { exact: true }).setInputFiles(path.join(IMAGES, file));
  await form.getByRole('button', { name: 'Upload case' }).click();
  await expect(form.getByRole('status')).toContainText('Case received and queued for segmentation.');

  // The worklist refreshes with the new case; its row links to the case page.
  const row = page.getByRole('table', { name: 'Cases' }).getByRole('row').filter({ hasText: externalId });
  await expect(row).toContainText('e2e-site');
  await row.getByRole('link', { name: externalId }).click();
  await expect(page.getByRole('heading', { name: `Case ${externalId}` })).toBeVisible();

  // The page refreshes itself until production has segmented the case (real ONNX inference on the server).
  await expect(page.getByTestId('case-status')).toHaveText('PREDICTED', { timeout: 90_000 });
  const canvas = page.getByTestId('case-viewer-canvas');
  await expect(canvas).toHaveAttribute('data-ready', 'true');
  await expect(canvas).not.toHaveAttribute('data-mask-loaded', '');
  await expect(canvas).toHaveAttribute('data-mask-loaded', /.+/);
  const withOverlay = await canvasPixels(page, canvas, 'viewer-with-overlay');

  await page.getByLabel('Mask shown').selectOption({ label: 'none' });
  await expect(canvas).toHaveAttribute('data-mask-loaded', '');
  const withoutOverlay = await canvasPixels(page, canvas, 'viewer-without-overlay');

  // The volumes are rendered (a large share of the canvas shows anatomy) ...
  expect(withoutOverlay.lit).toBeGreaterThan(0.1);
  // ... and the prediction overlay adds coloured pixels that the bare MRI (plus crosshair) does not have.
  expect(withOverlay.coloured - withoutOverlay.coloured).toBeGreaterThan(500);

  // Window/level: a level at the bottom of the current window with a narrow width turns most tissue white.
  const width = Number(await page.getByLabel('Window width').inputValue());
  const level = Number(await page.getByLabel('Window level').inputValue());
  await page.getByLabel('Window level').fill(String(Math.round(level - width / 2 + width / 20)));
  await expect.poll(async () => (await canvasPixels(page, canvas, 'viewer-low-level')).mean).toBeGreaterThan(withoutOverlay.mean * 1.5);
  await page.getByRole('button', { name: 'Auto' }).click();

  // The 3D render beside the planes puts anatomy into the fourth quadrant of the canvas.
  await page.getByLabel('View', { exact: true }).selectOption({ label: 'Multi-planar + 3D' });
  await expect.poll(async () => (await canvasPixels(page, canvas, 'viewer-3d')).lit).toBeGreaterThan(withoutOverlay.lit * 1.15);
});

test('a malformed upload is refused with a clear message and creates no case', async ({ page }) => {
  const externalId = `E2E-BAD-UPLOAD-${Date.now().toString(36)}`;
  await login(page, 'PHYSICIAN');
  await page.goto('/cases');
  const form = page.getByRole('form', { name: 'Upload a case' });
  await form.getByLabel('Case id').fill(externalId);
  const notNifti = { name: 't1.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from('this is not a NIfTI volume') };
  await form.getByLabel('T1 (native)', { exact: true }).setInputFiles(notNifti);
  for (const [label, file] of MODALITY_FILES.slice(1)) await form.getByLabel(label, { exact: true }).setInputFiles(path.join(IMAGES, file));
  await form.getByRole('button', { name: 'Upload case' }).click();
  await expect(form.getByRole('status')).toContainText(/t1\.nii\.gz.*not a NIfTI file/);
  await page.reload();
  await expect(page.getByRole('table', { name: 'Cases' })).toBeVisible();
  await expect(page.getByText(externalId)).toHaveCount(0);
});
