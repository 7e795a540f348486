import path from 'node:path';
import { expect, test } from '@playwright/test';
import { login } from './helpers/auth';
import { writeStudyWithRepeatedT1C } from './helpers/dicom-study';

/**
 * The DICOM pages as their users meet them: an ML engineer edits the series classification rules (a broken set is
 * refused naming the problem, and changes nothing); a radiologist uploads a folder of DICOM files on the Cases page,
 * the study waits for a decision (its T1C was repeated), and assigning the series on /dicom/decisions makes the case.
 */
let study: { dir: string; files: number; repeated: number };

test.beforeAll(() => {
  test.setTimeout(180_000);
  study = writeStudyWithRepeatedT1C(path.resolve('data/e2e/dicom'));
});

type Rules = { rules: { name: string; action: string; reason?: string; when: Record<string, unknown>[] }[] };

test('an ML engineer saves an edited rule set; a broken one is refused naming its problem and changes nothing', async ({ page }) => {
  await login(page, 'ML_ENGINEER');
  await page.goto('/dicom/rules');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Series classification rules');
  const form = page.getByRole('form', { name: 'Classification rules' });
  const editor = form.getByLabel('Rules (JSON)');
  const save = form.getByRole('button', { name: 'Save rules' });

  const rules = JSON.parse(await editor.inputValue()) as Rules;
  const defaults = rules.rules.length;
  rules.rules.unshift({
    name: 'QA phantom',
    action: 'SET_ASIDE',
    reason: 'a quality-assurance phantom, not a patient',
    when: [{ field: 'SeriesDescription', matches: 'phantom' }],
  });
  await editor.fill(JSON.stringify(rules, null, 2));
  await save.click();
  await expect(form.getByRole('status')).toHaveText(`Saved ${defaults + 1} rules; they apply to studies received from now on.`);
  await page.reload();
  const saved = JSON.parse(await editor.inputValue()) as Rules;
  expect(saved.rules[0]).toMatchObject({ name: 'QA phantom', when: [{ matches: 'phantom' }] });

  // an invalid regular expression: refused with the path of the problem
  saved.rules[0].when[0].matches = 'phantom(';
  await editor.fill(JSON.stringify(saved, null, 2));
  await save.click();
  await expect(form.getByRole('alert')).toHaveText('rules: rules.0.when.0.matches: not a valid regular expression');
  // a SET_ASIDE rule without its reason, and text that is not JSON
  delete saved.rules[0].reason;
  saved.rules[0].when[0].matches = 'phantom';
  await editor.fill(JSON.stringify(saved, null, 2));
  await save.click();
  await expect(form.getByRole('alert')).toHaveText('rules: rules.0.reason: a SET_ASIDE rule needs a reason');
  await editor.fill('{ "rules": [');
  await save.click();
  await expect(form.getByRole('alert')).toContainText('rules: not valid JSON');
  // nothing of the refused sets was stored
  await page.reload();
  const after = JSON.parse(await editor.inputValue()) as Rules;
  expect(after.rules[0]).toMatchObject({ name: 'QA phantom', reason: 'a quality-assurance phantom, not a patient' });
  expect(after.rules[0].when[0].matches).toBe('phantom');

  // back to the defaults, for the studies that follow
  await form.getByRole('button', { name: 'Load the defaults' }).click();
  await save.click();
  await expect(form.getByRole('status')).toHaveText(`Saved ${defaults} rules; they apply to studies received from now on.`);
});

test('a radiologist uploads a DICOM folder, the study waits for a decision, and assigning its series makes the case', async ({ page }) => {
  test.setTimeout(300_000);
  await login(page, 'RADIOLOGIST');
  await page.goto('/cases');
  const upload = page.getByRole('form', { name: 'Upload DICOM' });
  await upload.getByLabel('DICOM folder').setInputFiles(study.dir);
  await upload.getByRole('button', { name: `Upload ${study.files} files` }).click();
  const outcome = upload.getByRole('status');
  await expect(outcome).toContainText('Study 1: waits for a decision (2 candidates for T1C: assign the series by hand)', {
    timeout: 180_000,
  });
  await outcome.getByRole('link', { name: 'assign its series' }).click();

  await expect(page).toHaveURL(/\/dicom\/decisions$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('DICOM studies');
  const item = page.getByRole('listitem').filter({ hasText: '2 candidates for T1C: assign the series by hand' });
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('by upload');
  for (const description of ['AX T1 PRE', 'AX T1 POST GAD', 'AX T2', 'AX FLAIR', 'AX T1 POST GAD REPEAT'])
    await expect(item.getByRole('cell', { name: description, exact: true })).toBeVisible();
  const assign = item.getByRole('form', { name: 'Assign series' });
  // the rules' single candidates are preset; the doubled T1C is left to the reader
  await expect(assign.getByLabel('T1N', { exact: true })).toHaveValue(/.+/);
  await expect(assign.getByLabel('T2W', { exact: true })).toHaveValue(/.+/);
  await expect(assign.getByLabel('T2F', { exact: true })).toHaveValue(/.+/);
  await expect(assign.getByLabel('T1C', { exact: true })).toHaveValue('');
  // the repeat (acquired after the patient moved) is the one to keep
  await assign.getByLabel('T1C', { exact: true }).selectOption({ label: '5: AX T1 POST GAD REPEAT' });
  await assign.getByRole('button', { name: 'Create the case' }).click();
  // the new case opens (other specs make DICOM cases too, so the list is not the place to find it)
  await expect(page).toHaveURL(/\/cases\/[a-z0-9]+$/, { timeout: 60_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Case DICOM-[0-9a-f]{16}$/);
  // the scanner comes from the DICOM headers; no patient identifier is shown
  await expect(page.getByText('SIEMENS Skyra', { exact: false }).first()).toBeVisible();
  for (const identifier of ['Testpatient', 'MRN-7730-4411', 'ACC99812345', 'St Elsewhere'])
    // the writer's identifiers
    await expect(page.locator('body')).not.toContainText(identifier);
  // the study leaves the waiting list once its case exists
  await page.goto('/dicom/decisions');
  await expect(page.getByText('Nothing waiting')).toBeVisible();
});
