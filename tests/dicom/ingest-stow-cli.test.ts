/**
 * `npm run ingest -- --url <server> --token <token> <DICOM folder>` end to end: the real CLI (a child process) pushes
 * by STOW-RS over HTTP to the STOW-RS route handler, served here by a plain node http server on a loopback port (the
 * tests start `next start` only in e2e and the scenario). The request really travels: its bytes are split by the
 * server's multipart/related parser, the token is checked against the database, and the CLI reads the answer.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { createApiToken } from '@/lib/server/auth/tokens';
import { createUser } from '@/lib/server/users';
import { FOUR_SEQUENCES, writeStudy } from './fixtures';

/** The headers of the request being served: what next/headers gives a route handler inside Next. */
const requestHeaders = new AsyncLocalStorage<Headers>();
vi.mock('next-auth', () => ({ getServerSession: async () => null }));
vi.mock('next/headers', () => ({ headers: async () => requestHeaders.getStore() ?? new Headers() }));
const { POST } = await import('@/app/dicomweb/studies/route');

const ROOT = path.resolve(__dirname, '../..');
useTestDb();
useTestBlobs();
let dir: string;
let folder: string;
let token: string;
let server: http.Server;
let url: string;
const seen: { method?: string; path?: string; contentType?: string; bytes: number }[] = [];

/** Node request -> Fetch Request -> the route handler -> node response; only POST /dicomweb/studies exists. */
async function serve(req: http.IncomingMessage, res: http.ServerResponse) {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const entry: (typeof seen)[number] = { method: req.method, path: req.url, contentType: headers.get('content-type') ?? '', bytes: 0 };
  seen.push(entry);
  if (req.method !== 'POST' || req.url !== '/dicomweb/studies') return void res.writeHead(404).end();
  req.on('data', (c: Buffer) => (entry.bytes += c.length));
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: 'POST',
    headers,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  const response = await requestHeaders.run(headers, () => POST(request));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-ingest-stow-'));
  folder = path.join(dir, 'export');
  // a scanner CD: one complete study, one that lacks its FLAIR (needs a decision), and a README
  writeStudy(path.join(folder, 'PAT1', 'ST1'), 41, FOUR_SEQUENCES, { slices: 8 });
  writeStudy(path.join(folder, 'PAT2', 'ST1'), 42, FOUR_SEQUENCES.slice(0, 3), { slices: 8 });
  fs.writeFileSync(path.join(folder, 'README.TXT'), 'Exported by the scanner console');
  const u = await createUser(SYSTEM, { email: 'cli@stow.test', name: 'CLI', role: 'RADIOLOGIST', password: 'command line passphrase' });
  token = await createApiToken(u.id, 'ingest-cli', { scope: 'INGEST' });
  server = http.createServer((req, res) => {
    serve(req, res).catch((e) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The CLI with --url: no local database (DATABASE_URL points at a file that must never appear). */
function ingest(args: string[]) {
  const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, 'must-not-exist.db')}` };
  return promisify(execFile)('npx', ['tsx', '--conditions=react-server', 'scripts/ingest.ts', ...args], {
    cwd: ROOT,
    env,
    timeout: 120_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('npm run ingest --url: STOW-RS to a real server', () => {
  it('pushes the folder: one study becomes a case, the incomplete one waits for a decision, the README is ignored', async () => {
    const r = await ingest(['--url', url, '--token', token, folder]);
    expect(r.stderr).not.toMatch(/refused/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created DICOM-[0-9a-f]{16} -> \w+$/m);
    expect(r.stdout).toMatch(/^waiting for a decision \(assign its series at \/dicom\/decisions\): no series for T2F/m);
    expect(r.stdout).toMatch(/^ignored 1 file\(s\) that are not DICOM images/m);
    // one multipart/related request per study carried the 32 + 24 instances (the README with the first)
    expect(seen).toHaveLength(2);
    for (const request of seen) {
      expect(request).toMatchObject({ method: 'POST', path: '/dicomweb/studies' });
      expect(request.contentType).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
    }
    // each body about its study's files (~148 kB a slice): 24 in one, 32 in the other
    const [small, large] = seen.map((r) => r.bytes).sort((a, b) => a - b);
    expect(small / 148_000).toBeCloseTo(24, 0);
    expect(large / 148_000).toBeCloseTo(32, 0);
    // stored by the server, as pushed by STOW-RS under the token, and not in a local database
    const studies = await db().dicomStudy.findMany({ orderBy: { createdAt: 'asc' } });
    expect(studies.map((s) => [s.source, s.status])).toEqual(
      expect.arrayContaining([
        ['stow', 'CASE_CREATED'],
        ['stow', 'NEEDS_DECISION'],
      ]),
    );
    expect(await db().case.count()).toBe(1);
    const received = await db().auditEvent.findMany({ where: { action: AUDIT.dicomStudyReceive } });
    expect(received.map((e) => e.actorKind)).toEqual(['api-token:ingest-cli', 'api-token:ingest-cli']);
    expect(fs.existsSync(path.join(dir, 'must-not-exist.db'))).toBe(false);
  });

  it('sent again, both studies are answered as received before and nothing is stored twice', async () => {
    const r = await ingest(['--url', url, '--token', token, folder]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^unchanged: study received before/gm)).toHaveLength(2);
    expect(await db().case.count()).toBe(1);
    expect(await db().dicomStudy.count()).toBe(2);
  });

  it('a wrong token: the server answers 401, the CLI exits 1 saying so, nothing stored', async () => {
    const before = await db().dicomSeries.count();
    const r = await ingest(['--url', url, '--token', 'tw_not-a-token', folder]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^401 .*token/im);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', path: '/dicomweb/studies' });
    expect(await db().dicomSeries.count()).toBe(before);
  });
});
