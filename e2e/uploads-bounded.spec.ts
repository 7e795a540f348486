import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { E2E_ENV } from '../playwright.config';
import { demoUser } from './helpers/auth';
import { rawUpload, type RawUpload } from './helpers/raw-upload';
import { listeningPid, sampleRss, treeRssBytes } from './helpers/server-process';

/**
 * Upload bodies are bounded while they stream, on the production server. A tester sent 1.3 GB chunked (no
 * Content-Length) to POST /api/cases: it was read whole, answered 400 after 22 s, and the server went from 0.9 to
 * 6.8 GB. Each upload route must answer 413 at its limit, long before the end, with the server's memory flat.
 */
interface Limits {
  maxRequestBytes: number;
  maxFileBytes: number;
}
interface Fixtures {
  physicianToken: string;
  radiologistToken: string;
  runId: string;
  runToken: string;
  existingCaseId: string;
  case: { files: { field: string; filename: string; path: string }[] };
  limits: Record<RouteKey, Limits>;
}
type RouteKey = 'case' | 'label' | 'artefacts';

const PORT = Number(new URL(E2E_ENV.NEXTAUTH_URL).port);
const BIG = 1.3e9;
const RSS_BUDGET = 150e6;
const MiB = 1024 * 1024;
const BOUNDARY = 'tw-e2e-upload-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const filePart = (field: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${field}.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
const closing = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

let fx: Fixtures;
let serverPid = 0;

function route(key: RouteKey) {
  return {
    case: { path: '/api/cases', token: fx.physicianToken, field: 't1n' },
    label: { path: `/api/cases/${fx.existingCaseId}/labels`, token: fx.radiologistToken, field: 'mask' },
    artefacts: { path: `/api/runs/${fx.runId}/artefacts`, token: fx.runToken, field: 'model.onnx' },
  }[key];
}

/** Sends, watching the server's resident memory from just before until a second after the answer. */
async function measured(upload: Omit<RawUpload, 'port'>) {
  const before = treeRssBytes(serverPid);
  const sampler = sampleRss(serverPid);
  const res = await rawUpload({ port: PORT, timeoutMs: 60_000, ...upload });
  await sleep(1000);
  const growth = sampler.stop() - before;
  const line = `${upload.path}: ${res.status} after ${(res.sentBytes / MiB).toFixed(0)} MiB sent in ${res.ms} ms; server RSS ${(before / 1e6).toFixed(0)} MB, peak growth ${(growth / 1e6).toFixed(1)} MB`;
  console.log(line);
  test.info().annotations.push({ type: 'measured', description: line });
  return { res, growth };
}

/** A small, complete upload first, so that loading the route's code is not counted as the big body's memory. */
async function warmUp(key: RouteKey) {
  const r = route(key);
  const body = Buffer.concat([filePart(r.field), Buffer.from('x'), closing]);
  const res = await rawUpload({
    port: PORT,
    path: r.path,
    headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': MULTIPART },
    prefix: body,
    total: body.length,
    contentLength: body.length,
  });
  expect(res.status).toBeLessThan(500);
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const out = execFileSync('npx', ['tsx', '--conditions=react-server', 'tests/http/e2e-upload-fixtures.ts'], {
    env: { ...process.env, ...E2E_ENV },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  fx = JSON.parse(out.trim().split('\n').at(-1)!) as Fixtures;
  serverPid = listeningPid(PORT);
});

for (const key of ['case', 'label', 'artefacts'] as const) {
  test(`${key}: a 1.3 GB chunked body is refused with 413 at the file limit while it streams, the server's memory flat`, async () => {
    await warmUp(key);
    const r = route(key);
    const { res, growth } = await measured({
      path: r.path,
      headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': MULTIPART },
      prefix: filePart(r.field),
      total: BIG,
      suffix: closing,
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toEqual({
      code: 'TOO_LARGE',
      message: expect.stringContaining(`The file "${r.field}" is larger than`),
    });
    expect(res.sentBytes).toBeLessThan(fx.limits[key].maxFileBytes + 64 * MiB); // answered at the limit, not at the end
    expect(growth).toBeLessThan(RSS_BUDGET);
  });

  test(`${key}: a Content-Length that lies is no way past the limits`, async () => {
    const r = route(key);
    const headers = { Authorization: `Bearer ${r.token}`, 'Content-Type': MULTIPART };
    // Declared 1 MiB, 1.3 GB offered: the server reads 1 MiB, a form cut short (400); the rest is never a body.
    const small = await measured({ path: r.path, headers, prefix: filePart(r.field), total: BIG, contentLength: MiB });
    expect(small.res.status).toBe(400);
    expect(small.growth).toBeLessThan(RSS_BUDGET);
    // Declared over the request limit: refused before reading.
    const big = await measured({
      path: r.path,
      headers,
      prefix: filePart(r.field),
      total: BIG,
      contentLength: fx.limits[key].maxRequestBytes + 1,
    });
    expect(big.res.status).toBe(413);
    expect(big.res.sentBytes).toBeLessThan(64 * MiB);
  });

  test(`${key}: a well-formed upload with a file one byte over the per-file limit is refused with 413`, async () => {
    const r = route(key);
    const total = filePart(r.field).length + fx.limits[key].maxFileBytes + 1 + closing.length;
    const { res, growth } = await measured({
      path: r.path,
      headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': MULTIPART },
      prefix: filePart(r.field),
      total,
      suffix: closing,
      contentLength: total,
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.message).toContain(`The file "${r.field}" is larger than`);
    expect(growth).toBeLessThan(RSS_BUDGET);
  });
}

test('an anonymous 1.3 GB chunked body is refused (401) without the server reading it into memory', async () => {
  const { res, growth } = await measured({
    path: '/api/cases',
    headers: { 'Content-Type': MULTIPART },
    prefix: filePart('t1n'),
    total: BIG,
  });
  expect(res.status).toBe(401);
  expect(growth).toBeLessThan(RSS_BUDGET);
});

test('the sign-in endpoint, open to anyone, reads at most 64 KiB of a body', async () => {
  const form = 'application/x-www-form-urlencoded';
  const { res, growth } = await measured({
    path: '/api/auth/callback/credentials',
    headers: { 'Content-Type': form },
    prefix: Buffer.from('email='),
    total: BIG,
  });
  expect(res.status).toBe(413);
  expect(res.sentBytes).toBeLessThan(64 * MiB);
  expect(growth).toBeLessThan(RSS_BUDGET);
});

const url = (p: string) => `http://localhost:${PORT}${p}`;
const cookiesOf = (r: Response) => r.headers.getSetCookie().map((c) => c.split(';')[0]);

/** Signs in through the (bounded) next-auth route as the login form does; returns the session's Cookie header. */
async function signIn(role: 'RADIOLOGIST') {
  const user = demoUser(role);
  const csrf = await fetch(url('/api/auth/csrf'));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const body = new URLSearchParams({ csrfToken, email: user.email, password: user.password, callbackUrl: url('/cases'), json: 'true' });
  const res = await fetch(url('/api/auth/callback/credentials'), {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { Cookie: cookiesOf(csrf).join('; ') },
  });
  expect(res.status).toBe(200);
  const cookies = [...cookiesOf(csrf), ...cookiesOf(res)];
  expect(cookies.some((c) => c.startsWith('next-auth.session-token='))).toBe(true);
  return cookies.join('; ');
}

test('normal uploads still work: a case (API token), its label (radiologist session), a runner artefact upload parsed', async () => {
  const caseForm = new FormData();
  caseForm.set('metadata', JSON.stringify({ caseId: `E2E-BOUNDED-${Date.now().toString(36)}`, site: 'e2e-limits' }));
  for (const f of fx.case.files.filter((x) => x.field !== 'mask'))
    caseForm.append(f.field, new Blob([fs.readFileSync(f.path)]), f.filename);
  const created = await fetch(url('/api/cases'), {
    method: 'POST',
    body: caseForm,
    headers: { Authorization: `Bearer ${fx.physicianToken}` },
  });
  expect(created.status).toBe(201);
  const { caseId } = (await created.json()) as { caseId: string };

  const mask = fx.case.files.find((f) => f.field === 'mask')!;
  const labelForm = new FormData();
  labelForm.set('parentVersionId', '');
  labelForm.set('source', 'IMPORT');
  labelForm.set('labelMap', 'brats2023');
  labelForm.set('message', 'e2e: imported through the bounded upload route');
  labelForm.append('mask', new Blob([fs.readFileSync(mask.path)]), mask.filename);
  const saved = await fetch(url(`/api/cases/${caseId}/labels`), {
    method: 'POST',
    body: labelForm,
    headers: { Cookie: await signIn('RADIOLOGIST') },
  });
  expect(saved.status).toBe(201);
  expect(((await saved.json()) as { version: { source: string } }).version.source).toBe('IMPORT');

  // The fixture run has ended, so a parsed upload meets the run's state (409), not a parsing error; a full artefact
  // upload through this route is tests/workflows/github-runner.test.ts.
  const artefacts = new FormData();
  artefacts.append('model.onnx', new Blob([new Uint8Array(4096)]), 'model.onnx');
  artefacts.append('model-card.json', new Blob(['{}']), 'model-card.json');
  const refused = await fetch(url(`/api/runs/${fx.runId}/artefacts`), {
    method: 'POST',
    body: artefacts,
    headers: { Authorization: `Bearer ${fx.runToken}` },
  });
  expect(refused.status).toBe(409);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(`Run ${fx.runId} is CANCELLED.`);
});
