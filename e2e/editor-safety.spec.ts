import { expect, test, type Page } from '@playwright/test';
import { login } from './helpers/auth';
import { clickVoxel, expectCounts, labelCounts, openEditor, paintPath, plus, prepare, seedEditorCase } from './helpers/editor';
import { approvedLabel, labelInAir } from './helpers/editor-safety';

// Work is never lost, region tools never leak, and the label's state and versions reach the case page: each driven
// with the real mouse on a real case (TCGA-DU-7294, 1 mm isotropic, so 1,000 voxels are 1 mL).
const seed = (name: string) => seedEditorCase(`E2E-SAFETY-${name}-${Date.now().toString(36)}`);
test.use({ viewport: { width: 1600, height: 1000 } });

/** Records every dialog; confirms are answered by `answer` (false: stay), the browser's leave prompt is accepted. */
function recordDialogs(page: Page) {
  const seen: string[] = [];
  const ctl = { seen, answer: false };
  page.on('dialog', (d) => {
    seen.push(`${d.type()}: ${d.message()}`);
    void (d.type() === 'beforeunload' || ctl.answer ? d.accept() : d.dismiss());
  });
  return ctl;
}

const releaseFocus = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

test('a quick leave asks first (link, back button, reload); the reopened editor offers the strokes; undo back to the saved mask is clean', async ({
  page,
}) => {
  const s = seed('LEAVE');
  const z = s.emptySlice;
  await login(page, 'RADIOLOGIST');
  await prepare(page, s);
  const start = await labelCounts(page);
  const dialogs = recordDialogs(page);

  await paintPath(page, [
    [110, 120, z],
    [130, 120, z],
  ]);
  const painted = plus(start, '3', 21);
  await page.getByRole('link', { name: 'Back to case' }).click(); // at once: no autosave interval to wait for
  await expect.poll(() => dialogs.seen.length).toBe(1);
  expect(dialogs.seen[0]).toMatch(/^confirm: You have unsaved edits\./);
  await expect(page).toHaveURL(/\/edit$/);
  await expectCounts(page, painted);

  await page.evaluate(() => window.history.back());
  await expect.poll(() => dialogs.seen.length).toBe(2);
  expect(dialogs.seen[1]).toMatch(/^confirm: You have unsaved edits\./);
  await expect(page).toHaveURL(/\/edit$/);
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-draft-current', 'true');

  await page.reload();
  expect(dialogs.seen[2]).toMatch(/^beforeunload/);
  await expect(page.getByTestId('label-editor')).toHaveAttribute('data-ready', 'true');
  const offer = page.getByRole('alert', { name: 'Unsaved draft' });
  await expect(offer).toContainText('based on the model prediction');
  await offer.getByRole('button', { name: 'Restore draft' }).click();
  await expectCounts(page, painted);
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'true');

  // undoing the restore is the mask as opened: clean, nothing to save, and leaving no longer asks
  await page.keyboard.press('Control+z');
  await expectCounts(page, start);
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-dirty', 'false');
  await expect(page.getByRole('button', { name: 'Save version' })).toBeDisabled();
  await page.getByRole('link', { name: 'Back to case' }).click();
  await expect(page).toHaveURL(new RegExp(`/cases/${s.caseId}$`));
  expect(dialogs.seen).toHaveLength(3);
});

test('fill: a click in the air changes nothing; inside the head it asks past the limit, says how much, and never leaks into air', async ({
  page,
}) => {
  const s = seed('FILL');
  const z = s.emptySlice;
  await login(page, 'RADIOLOGIST');
  await prepare(page, s);
  await page.keyboard.press('f');
  const start = await labelCounts(page);
  const notice = page.getByTestId('editor-notice');

  await clickVoxel(page, [20, 120, z]); // left of the head (which spans x 58-185 on this slice): air
  await expect(notice).toContainText('outside the head');
  await expectCounts(page, start);

  await page.getByLabel('Fill limit (mL)').fill('1');
  await releaseFocus(page);
  const dialogs = recordDialogs(page);
  await clickVoxel(page, [120, 120, z]); // brain on a tumour-free slice: the whole brain section, tens of mL
  await expect.poll(() => dialogs.seen.length).toBe(1);
  await expect(notice).toHaveText('Fill not applied: nothing changed.');
  await expectCounts(page, start);

  dialogs.answer = true;
  await clickVoxel(page, [120, 120, z]);
  await expect(notice).toContainText('Filled ');
  const added = (await labelCounts(page))['3'] - start['3'];
  expect(added).toBeGreaterThan(1000);
  expect(added).toBeLessThan(s.dims[0] * s.dims[1]); // the whole slice is what an unguarded fill took
  const question = `confirm: This fill changes ${(added / 1000).toFixed(1)} mL (ET). Apply?`;
  expect(dialogs.seen).toEqual([question, question]); // declined, then the same fill accepted

  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(notice).toHaveText('Saved version 2.');
  expect(labelInAir(s.caseId).inAir).toBe(0);
});

test('the approved label is the case state on the case page, renders in its viewer, and version 1 is the model’s', async ({ page }) => {
  const s = seed('APPROVED');
  const approved = approvedLabel(s.caseId);
  await login(page, 'PHYSICIAN'); // a role that may see the case but not edit it
  await page.goto(`/cases/${s.caseId}`);
  const state = page.getByTestId('case-label-state');
  await expect(state).toHaveAttribute('data-status', 'APPROVED');
  await expect(state).toContainText(`v${approved.number} approved by ${approved.reviewerName} on `);
  await expect(page.getByTestId('case-status')).toHaveCount(0);

  const canvas = page.getByTestId('case-viewer-canvas');
  await expect(canvas).toHaveAttribute('data-ready', 'true');
  const menu = page.getByLabel('Mask shown');
  await menu.selectOption({ label: `Label v${approved.number} by Dr Rhea Radiologist, approved ground truth` });
  await expect(canvas).toHaveAttribute('data-mask-loaded', `label-v${approved.number}`);
  const model = menu.locator('option', { hasText: /^Label v1 by tumorwatch-seg@/ });
  await menu.selectOption((await model.getAttribute('value'))!);
  await expect(canvas).toHaveAttribute('data-mask-loaded', 'label-v1');
});

test('the editor attributes version 1 to the model, not to the radiologist who opened it', async ({ page }) => {
  const s = seed('ATTRIBUTION');
  await login(page, 'RADIOLOGIST');
  await prepare(page, s);
  await clickVoxel(page, [120, 120, s.emptySlice]);
  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByTestId('editor-notice')).toHaveText('Saved version 2.');
  await expect(page.getByTestId('version-1').getByTestId('version-author')).toContainText(/^tumorwatch-seg@\S+ ·/);
  await expect(page.getByTestId('version-2').getByTestId('version-author')).toContainText(/^Dr Rhea Radiologist ·/);
  await openEditor(page, s.caseId);
  await expect(page.getByTestId('version-1').getByTestId('version-author')).toContainText(/^tumorwatch-seg@/);
});
