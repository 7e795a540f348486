import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { login } from './helpers/auth';
import { parseModelCard, type ModelCard } from '../lib/schemas/model-card';

/**
 * The ML engineer's model import page: an ONNX file with a card that contradicts the graph is refused with the card
 * field named and nothing registered; the same file with a correct card registers a candidate that the models page
 * lists. The committed model's ONNX file and its card (as card 2, renamed) stand in for a hospital's model.
 */
const MODEL_DIR = path.resolve(__dirname, '../models/tumorwatch-seg-1.0.0');
const onnx = { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: fs.readFileSync(path.join(MODEL_DIR, 'model.onnx')) };
const baseCard = parseModelCard(JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'model-card.json'), 'utf8')));
const version = `1.0.0-e2e.${Date.now().toString(36)}`;

const cardFile = (change: (c: ModelCard) => void) => {
  const c = structuredClone(baseCard);
  c.name = 'hospital-seg';
  c.version = version;
  change(c);
  return { name: 'card.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(c)) };
};

async function importOnnx(page: Page, card: ReturnType<typeof cardFile>) {
  await page.goto('/models/import');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import a model');
  await page.getByLabel('Format').selectOption('onnx');
  await page.getByLabel('ONNX files').setInputFiles(onnx);
  await page.getByLabel('Model card').setInputFiles(card);
  await page.getByRole('button', { name: 'Import model' }).click();
}

test('an ML engineer imports an ONNX model: a contradicting card is refused naming the field, a correct one registers a candidate', async ({
  page,
}) => {
  await login(page, 'ML_ENGINEER');
  await page.goto('/models');
  await page.getByRole('link', { name: 'Import a model' }).click();
  await expect(page).toHaveURL(/\/models\/import$/);

  await importOnnx(
    page,
    cardFile((c) => (c.output.featuresName = 'embedding')),
  );
  const refusal = page.getByRole('alert').filter({ hasText: 'Import refused' });
  await expect(refusal).toContainText('nothing was registered');
  await expect(refusal.getByTestId('refused-field')).toHaveText('output.featuresName');
  await expect(refusal).toContainText('model.onnx has no output "embedding"');

  await importOnnx(
    page,
    cardFile(() => {}),
  );
  const done = page.getByRole('status').filter({ hasText: 'Registered' });
  await expect(done.getByRole('link', { name: `hospital-seg@${version}` })).toBeVisible();
  await expect(done).toContainText('as candidate');

  await page.goto('/models');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: `hospital-seg@${version}` }) });
  await expect(row).toContainText('CANDIDATE');
});

test('a clinician cannot open the import page', async ({ page }) => {
  await login(page, 'RADIOLOGIST');
  await page.goto('/models/import');
  await expect(page).toHaveURL(/\/forbidden$/);
});
