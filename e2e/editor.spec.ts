import { expect, test } from '@playwright/test';
import { login } from './helpers/auth';
import {
  clickVoxel,
  drawSquare,
  expectCounts,
  labelCounts,
  labelHead,
  loginSecondRadiologist,
  openEditor,
  plus,
  prepare,
  seedEditorCase,
} from './helpers/editor';

// A fresh real case per test (TCGA-DU-7294 with a production prediction), seeded through the server's own code; the
// suffix keeps reruns of a test (after a retry or a worker restart) from colliding.
const seed = (name: string) => seedEditorCase(`E2E-EDITOR-${name}-${Date.now().toString(36)}`);

// A large viewport and the single axial layout give ~3 screen pixels per voxel, so the mouse lands on exact voxels.
test.use({ viewport: { width: 1600, height: 1000 } });

test('a radiologist paints, fills, erases, undoes and redoes with the mouse, saves, and the server stores exactly that', async ({
  page,
}) => {
  const paint = seed('PAINT');
  await login(page, 'RADIOLOGIST');
  await prepare(page, paint);
  const start = await labelCounts(page);
  expect(start['2']).toBeGreaterThan(1000); // opened on the production prediction

  await drawSquare(page, paint, 120, 120);
  await expectCounts(page, plus(start, '3', 80));
  await page.keyboard.press('f');
  await clickVoxel(page, [120, 120, paint.emptySlice]);
  await expectCounts(page, plus(start, '3', 80 + 19 * 19));
  await page.keyboard.press('e');
  await page.keyboard.press(']'); // 2 mm
  await page.keyboard.press(']'); // 3 mm: a 3x3 disc
  await clickVoxel(page, [120, 120, paint.emptySlice]);
  const erased = plus(start, '3', 80 + 19 * 19 - 9);
  await expectCounts(page, erased);

  await page.keyboard.press('Control+z');
  await expectCounts(page, plus(start, '3', 80 + 19 * 19));
  await page.keyboard.press('Control+z');
  await expectCounts(page, plus(start, '3', 80));
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+Shift+z');
  await expectCounts(page, erased);

  await page.getByLabel('Version message').fill('ET ring on an empty slice');
  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByTestId('editor-notice')).toHaveText('Saved version 2.');
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'false');

  const stored = labelHead(paint.caseId);
  expect(stored).toMatchObject({ status: 'DRAFT', number: 2, voxelCounts: erased, recount: erased });
  expect(stored.versions.map((v) => [v.number, v.source])).toEqual([
    [2, 'EDIT'],
    [1, 'MODEL'],
  ]);
  expect(stored.versions[1].voxelCounts).toEqual(start); // version 1 is the prediction, exactly as opened

  await page.reload();
  await openEditor(page, paint.caseId);
  await expectCounts(page, erased);
  await expect(page.getByTestId('version-2')).toHaveAttribute('data-voxels', JSON.stringify(erased));

  // Import a real mask in the BraTS 2020 convention: the server remaps ET 4 -> 3 and the editor opens it.
  const form = page.getByRole('form', { name: 'Import a mask' });
  await form.getByLabel('Mask file').setInputFiles(paint.importFile);
  await form.getByLabel('Label convention').selectOption('brats2020');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('editor-notice')).toHaveText('Imported fusion-mav.nii.gz as version 3.');
  await expectCounts(page, paint.importCounts);
  expect(labelHead(paint.caseId)).toMatchObject({ number: 3, recount: paint.importCounts });
});

test('two radiologists save on the same version: the second is told, keeps the mask, and saves it as a branch', async ({ browser }) => {
  test.slow(); // two WebGL editors rendered in software (SwiftShader) on a shared CPU
  const conflict = seed('CONFLICT');
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await login(a, 'RADIOLOGIST');
  await prepare(a, conflict);
  await login(b, 'RADIOLOGIST');
  await prepare(b, conflict);

  await drawSquare(a, conflict, 100, 100);
  // Ctrl+S pressed again while the first upload runs does not send a second save on the same parent
  await a.keyboard.press('Control+s');
  await a.keyboard.press('Control+s');
  await expect(a.getByTestId('editor-notice')).toHaveText('Saved version 2.');
  await expect(a.getByRole('alertdialog', { name: 'Save conflict' })).toHaveCount(0);
  expect(labelHead(conflict.caseId).versions.map((v) => v.number)).toEqual([2, 1]);

  // B, still on version 1, imports a mask: refused, and the notice offers no branch (there are no edits of B's to keep)
  const importForm = b.getByRole('form', { name: 'Import a mask' });
  await importForm.getByLabel('Mask file').setInputFiles(conflict.importFile);
  await importForm.getByLabel('Label convention').selectOption('brats2020');
  await importForm.getByRole('button', { name: 'Import' }).click();
  const refused = b.getByRole('alertdialog', { name: 'Save conflict' });
  await expect(refused).toContainText('Not imported: someone else saved first');
  await expect(refused.getByRole('button', { name: 'Save mine as a branch' })).toHaveCount(0);
  await refused.getByRole('button', { name: 'Dismiss' }).click();
  expect(labelHead(conflict.caseId).versions.map((v) => v.number)).toEqual([2, 1]);

  const before = await labelCounts(b);
  await drawSquare(b, conflict, 140, 140);
  await b.keyboard.press('Control+s');
  const notice = b.getByRole('alertdialog', { name: 'Save conflict' });
  await expect(notice).toContainText('version 2 by Dr Rhea Radiologist');
  const mine = plus(before, '3', 80);
  await expectCounts(b, mine); // nothing lost in the browser
  await notice.getByRole('button', { name: 'Save mine as a branch' }).click();
  await expect(b.getByTestId('editor-notice')).toContainText('Saved as branch v3');

  const stored = labelHead(conflict.caseId);
  expect(stored.number).toBe(2); // the head is the first save
  expect(stored.versions.find((v) => v.number === 3)).toMatchObject({ isHead: false, voxelCounts: mine });
  await expect(b.getByTestId('version-3')).toContainText('branch');

  // The loser can compare its branch with the head.
  await b.getByLabel('Compare from').selectOption({ label: 'v2' });
  await b.getByLabel('Compare to').selectOption({ label: 'v3' });
  await b.getByRole('button', { name: 'Show diff' }).click();
  await expect(b.getByTestId('mode-banner')).toContainText('ET 80'); // added by B
  await expect(b.getByTestId('mode-banner')).toContainText('Diff v2 → v3');
});

test('review: the author cannot approve, a second radiologist returns with a comment, then approves', async ({ browser }) => {
  test.slow(); // two WebGL editors rendered in software (SwiftShader) on a shared CPU
  const review = seed('REVIEW');
  const author = await (await browser.newContext()).newPage();
  await login(author, 'RADIOLOGIST');
  await prepare(author, review);
  await drawSquare(author, review, 120, 120);
  await author.getByRole('button', { name: 'Save version' }).click();
  await expect(author.getByTestId('editor-notice')).toHaveText('Saved version 2.');
  await author.getByRole('button', { name: 'Submit for review' }).click();
  await expect(author.getByTestId('label-status')).toHaveText('IN REVIEW');
  await expect(author.getByRole('button', { name: 'Approve' })).toBeDisabled();

  const second = await (await browser.newContext()).newPage();
  await loginSecondRadiologist(second);
  await openEditor(second, review.caseId);
  await second.getByLabel('Review comment').fill('ET ring is not tumour');
  await second.getByRole('button', { name: 'Return with comment' }).click();
  await expect(second.getByTestId('label-status')).toHaveText('RETURNED');

  await author.reload();
  await openEditor(author, review.caseId);
  await expect(author.getByTestId('review-comment')).toHaveText('Returned: ET ring is not tumour');
  await author.getByRole('button', { name: 'Submit for review' }).click();
  await expect(author.getByTestId('label-status')).toHaveText('IN REVIEW');

  await second.reload();
  await openEditor(second, review.caseId);
  await second.getByRole('button', { name: 'Approve' }).click();
  await expect(second.getByTestId('label-status')).toHaveText('APPROVED');
  await expect(second.getByTestId('approval-dice')).toContainText('WT');
  const stored = labelHead(review.caseId);
  expect(stored.status).toBe('APPROVED');
  expect(stored.approvalDice).toMatchObject({ modelVersion: expect.stringMatching(/^tumorwatch-seg@/) }); // the seeded production model
  expect(stored.approvalDice!.WT as number).toBeGreaterThan(0.9); // 80 voxels added to a large tumour
  expect(stored.approvalDice!.WT as number).toBeLessThan(1);
});

test('unsaved edits survive a closed tab as a draft that the editor offers back', async ({ browser }) => {
  const draft = seed('DRAFT');
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, 'RADIOLOGIST');
  await prepare(page, draft);
  await drawSquare(page, draft, 120, 120);
  const edited = await labelCounts(page);
  // The autosave runs every 10 s: wait for the draft that holds the last edit (the bound on lost work is the interval).
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-draft-current', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('save-state')).toContainText('draft kept');
  await page.close(); // like a crash: no save, no unload prompt

  const again = await context.newPage();
  await openEditor(again, draft.caseId);
  const offer = again.getByRole('alert', { name: 'Unsaved draft' });
  await expect(offer).toContainText('based on the model prediction');
  await offer.getByRole('button', { name: 'Restore draft' }).click();
  await expectCounts(again, edited);
  await expect(again.getByTestId('save-state')).toHaveAttribute('data-dirty', 'true');
});

test('a physician is refused the editor page and the save route', async ({ page }) => {
  const paint = seed('PHYSICIAN');
  await login(page, 'PHYSICIAN');
  await page.goto(`/cases/${paint.caseId}/edit`);
  await expect(page).toHaveURL(/\/forbidden$/);
  const res = await page.request.post(`/api/cases/${paint.caseId}/labels`, {
    multipart: { parentVersionId: '', mask: { name: 'm.nii.gz', mimeType: 'application/octet-stream', buffer: Buffer.from([1, 2, 3]) } },
  });
  expect(res.status()).toBe(403);
});
