/**
 * Editor e2e helpers. Two halves in one file:
 * - Playwright side: `seedEditorCase()` writes a real case (TCGA-DU-7294: four modalities and a production prediction)
 *   into the e2e database through the server's own code, by running this file with tsx; `labelHead()` reads back what
 *   the server stored; `openEditor()`, `paintPath()`... drive the real mouse.
 * - Script side (`tsx --conditions=react-server e2e/helpers/editor.ts seed|head ...`): runs with the e2e environment.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { E2E_ENV } from '../../playwright.config';
import { DEMO_USERS } from '../../prisma/demo-users';

const REAL = path.resolve(__dirname, '../../../shared/data/real');
const CASE = 'TCGA-DU-7294';

export interface SeededCase {
  caseId: string;
  /** an axial slice (RAS z index) inside the brain with no tumour: painting there starts from background only */
  emptySlice: number;
  dims: [number, number, number];
  /** a real mask in the BraTS 2020 convention (ET = 4) to import, and its label counts after remapping (4 -> 3) */
  importFile: string;
  importCounts: Record<'1' | '2' | '3', number>;
}

export interface LabelHead {
  status: string | null;
  number: number | null;
  voxelCounts: Record<string, number> | null;
  /** counts recomputed from the stored NIfTI blob, independently of the row */
  recount: Record<string, number> | null;
  versions: { number: number; source: string; isHead: boolean; voxelCounts: Record<string, number> }[];
  approvalDice: Record<string, unknown> | null;
}

function runScript(args: string[]): string {
  return execFileSync('npx', ['tsx', '--conditions=react-server', __filename, ...args], {
    env: { ...process.env, ...E2E_ENV },
    encoding: 'utf8',
  });
}

function lastJson<T>(out: string): T {
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

export function seedEditorCase(externalId: string): SeededCase {
  return lastJson<SeededCase>(runScript(['seed', externalId]));
}

export function labelHead(caseId: string): LabelHead {
  return lastJson<LabelHead>(runScript(['head', caseId]));
}

/** The second demo radiologist (helpers/auth logs in the first user of a role). */
export async function loginSecondRadiologist(page: Page) {
  const user = DEMO_USERS.find((u) => u.email.startsWith('radiologist2@'))!;
  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toContainText(user.name);
}

export async function openEditor(page: Page, caseId: string) {
  await page.goto(`/cases/${caseId}/edit`);
  await expect(page.getByTestId('label-editor')).toHaveAttribute('data-ready', 'true');
  await page.waitForFunction(() => !!window.tumorwatchViewer, undefined, { polling: 100 });
}

export async function labelCounts(page: Page): Promise<Record<'1' | '2' | '3', number>> {
  const read = async (l: number) => Number(await page.getByTestId(`label-volume-${l}`).getAttribute('data-voxels'));
  return { '1': await read(1), '2': await read(2), '3': await read(3) };
}

/** Waits until the label panel shows `expected` (counts update after each operation's render). */
export async function expectCounts(page: Page, expected: Record<'1' | '2' | '3', number>) {
  for (const l of ['1', '2', '3'] as const)
    await expect(page.getByTestId(`label-volume-${l}`)).toHaveAttribute('data-voxels', String(expected[l]));
}

export async function moveCrosshair(page: Page, vox: [number, number, number]) {
  await page.evaluate((v) => window.tumorwatchViewer!.moveCrosshair(v), vox);
}

/** The whole CSS pixel nearest a voxel's centre: mouse events carry whole pixels, so aim where no rounding can slip. */
export async function screenPoint(page: Page, vox: [number, number, number]): Promise<{ x: number; y: number }> {
  const p = await page.evaluate((v) => window.tumorwatchViewer!.clientPoint(v, 2), vox);
  if (!p) throw new Error(`voxel ${vox.join(',')} is not visible in the axial view`);
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

/** Presses the left button at the first voxel, drags through the others (axial view), releases. */
export async function paintPath(page: Page, voxels: [number, number, number][]) {
  const pts = [];
  for (const v of voxels) pts.push(await screenPoint(page, v));
  await page.mouse.move(pts[0].x, pts[0].y);
  await page.mouse.down();
  for (const p of pts.slice(1)) await page.mouse.move(p.x, p.y, { steps: 8 });
  await page.mouse.up();
}

type V = [number, number, number];
export const plus = (c: Record<'1' | '2' | '3', number>, l: '1' | '2' | '3', n: number) => ({ ...c, [l]: c[l] + n });

/** A closed 21x21 square outline (80 voxels) of the active label on axial slice z, drawn with a 1 mm brush. */
export async function drawSquare(page: Page, s: SeededCase, cx: number, cy: number, z = s.emptySlice) {
  const c: V[] = [
    [cx - 10, cy - 10, z],
    [cx + 10, cy - 10, z],
    [cx + 10, cy + 10, z],
    [cx - 10, cy + 10, z],
  ];
  for (let i = 0; i < 4; i++) await paintPath(page, [c[i], c[(i + 1) % 4]]);
}

export async function setBrushSize(page: Page, mm: string) {
  for (let i = 0; i < 12 && (await page.getByTestId('brush-size').textContent()) !== `${mm} mm`; i++) {
    const now = Number.parseFloat((await page.getByTestId('brush-size').textContent()) ?? '0');
    await page.keyboard.press(now > Number(mm) ? '[' : ']');
  }
  await expect(page.getByTestId('brush-size')).toHaveText(`${mm} mm`);
}

/** Editor open on the case, one large axial view on the empty slice, ET active, 1 mm brush. */
export async function prepare(page: Page, s: SeededCase) {
  await openEditor(page, s.caseId);
  await page.getByRole('radiogroup', { name: 'Layout' }).getByRole('radio', { name: 'Axial' }).click();
  await moveCrosshair(page, [120, 120, s.emptySlice]);
  await page.keyboard.press('3'); // ET
  await page.keyboard.press('b');
  await setBrushSize(page, '1');
}

export async function clickVoxel(page: Page, vox: [number, number, number]) {
  const p = await screenPoint(page, vox);
  await page.mouse.click(p.x, p.y);
}

// ---- script side -------------------------------------------------------------------------------------------------

async function seed(externalId: string) {
  const fs = await import('node:fs/promises');
  const { db, disconnectDb } = await import('../../lib/server/db');
  const { blobs } = await import('../../lib/server/blobs');
  const { readNifti, writeNiftiMask } = await import('../../lib/server/imaging/nifti');
  const { orientationCode } = await import('../../lib/server/imaging/orientation');
  const { getLabelMap, remapToProduct } = await import('../../lib/labels');
  const files = { T1N: 't1', T1C: 't1c', T2W: 't2', T2F: 'flair' } as const;
  const c = await db().case.create({ data: { externalId, site: 'e2e', status: 'PREDICTED' } });
  let reference: ReturnType<typeof readNifti> | null = null;
  for (const [modality, file] of Object.entries(files)) {
    const bytes = new Uint8Array(await fs.readFile(path.join(REAL, CASE, 'images', `${file}.nii.gz`)));
    const vol = readNifti(bytes);
    if (modality === 'T1C') reference = vol;
    const put = await blobs().put(bytes);
    await db().volume.create({
      data: {
        caseId: c.id,
        modality: modality as keyof typeof files,
        blobKey: put.key,
        sha256: put.sha256,
        sizeBytes: put.size,
        dims: vol.dims,
        spacing: vol.spacing,
        affine: vol.affine,
        datatype: vol.datatype,
        orientation: orientationCode(vol.affine),
      },
    });
  }
  const legacy = readNifti(new Uint8Array(await fs.readFile(path.join(REAL, CASE, 'masks', 'hnfnetv1-20.nii.gz'))));
  const mask = remapToProduct(legacy.data as Uint8Array, getLabelMap('brats2020'));
  // The prediction is attributed to the seeded production model (a fixture model row would become a second
  // PRODUCTION model and change what serving and monitoring see for every other spec).
  const model = await db().modelVersion.findFirstOrThrow({ where: { stage: 'PRODUCTION' } });
  const { storeShownPrediction } = await import('../../tests/support/case-rows');
  await storeShownPrediction(c.id, model.id, writeNiftiMask(mask, reference!));
  const importFile = path.join(REAL, CASE, 'masks', 'fusion-mav.nii.gz');
  const { countLabels } = await import('../../lib/editor/stats');
  const fusion = readNifti(new Uint8Array(await fs.readFile(importFile)));
  const importCounts = countLabels(remapToProduct(fusion.data as Uint8Array, getLabelMap('brats2020')));
  const out: SeededCase = { caseId: c.id, emptySlice: emptyBrainSlice(mask, reference!), dims: reference!.dims, importFile, importCounts };
  await disconnectDb();
  console.log(JSON.stringify(out));
}

/**
 * The axial slice with the most brain whose slab from one slice below to five above holds no tumour, so 3D tools (a
 * sphere brush, filling between slices) start from background only (z is not flipped between LPS and RAS).
 */
function emptyBrainSlice(mask: Uint8Array, image: { dims: [number, number, number]; data: ArrayLike<number> }): number {
  const [nx, ny, nz] = image.dims;
  const area = new Array<number>(nz).fill(0);
  const tumour = new Array<number>(nz).fill(0);
  for (let z = 0; z < nz; z++)
    for (let i = z * nx * ny; i < (z + 1) * nx * ny; i++) {
      if (image.data[i] > 0) area[z]++;
      if (mask[i]) tumour[z]++;
    }
  let best = -1;
  for (let z = 1; z + 5 < nz; z++) {
    const slabFree = tumour.slice(z - 1, z + 6).every((t) => t === 0);
    if (slabFree && (best < 0 || area[z] > area[best])) best = z;
  }
  return best;
}

async function head(caseId: string) {
  const { db, disconnectDb } = await import('../../lib/server/db');
  const { getLabelState, readLabelVersionMask } = await import('../../lib/server/labels');
  const { countLabels } = await import('../../lib/editor/stats');
  const state = await getLabelState({ kind: 'system' }, caseId);
  const headVersion = state.versions.find((v) => v.isHead) ?? null;
  const out: LabelHead = {
    status: state.label?.status ?? null,
    number: headVersion?.number ?? null,
    voxelCounts: headVersion?.voxelCounts ?? null,
    recount: headVersion ? countLabels(await readLabelVersionMask(caseId, headVersion.id)) : null,
    versions: state.versions.map((v) => ({ number: v.number, source: v.source, isHead: v.isHead, voxelCounts: v.voxelCounts })),
    approvalDice: (state.label?.approvalDice as Record<string, unknown> | null) ?? null,
  };
  await db().$disconnect();
  await disconnectDb();
  console.log(JSON.stringify(out));
}

if (require.main === module) {
  const [cmd, arg] = process.argv.slice(2);
  (cmd === 'seed'
    ? seed(arg)
    : cmd === 'head'
      ? head(arg)
      : Promise.reject(new Error(`usage: editor.ts seed <externalId> | head <caseId>`))
  ).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
