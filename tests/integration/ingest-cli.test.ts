import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCohort } from '@/lib/server/imaging/cohort';

/** `npm run ingest -- <folder> --url`: a full queue (503 + Retry-After) is waited out, not counted as a refusal. */
const ROOT = path.resolve(__dirname, '../..');
let dir = '';
let server: http.Server;
let url = '';
const answers: number[] = []; // the statuses the fake server gives, in order; then 201
let posts = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-ingest-cli-'));
  await generateCohort({ domain: 'A', n: 1, seed: '3', out: dir, grid: { dims: [48, 48, 32], spacing: [4, 4, 5] } });
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      const status = answers.shift() ?? 201;
      const headers = { 'content-type': 'application/json', ...(status === 503 ? { 'retry-after': '1' } : {}) };
      res
        .writeHead(status, headers)
        .end(JSON.stringify(status === 503 ? { error: { code: 'UNAVAILABLE', message: 'queue full' } } : { caseId: 'c1', created: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ingest = (...extra: string[]) =>
  promisify(execFile)('npx', ['tsx', '--conditions=react-server', 'scripts/ingest.ts', dir, '--url', url, '--token', 't', ...extra], {
    cwd: ROOT,
    timeout: 120_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('ingest CLI back-pressure', () => {
  it('waits the Retry-After out and sends the same case again', async () => {
    answers.push(503, 503);
    posts = 0;
    const r = await ingest();
    expect(r.code).toBe(0);
    expect(r.stdout.match(/queue full: \S+ is sent again in 1 s/g)).toHaveLength(2);
    expect(r.stdout).toContain('created');
    expect(posts).toBe(3);
  }, 120_000);

  it('gives up after --max-wait-min and exits non-zero, naming the refusal', async () => {
    answers.push(503);
    posts = 0;
    const r = await ingest('--max-wait-min', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('503 queue full');
    expect(posts).toBe(1);
  }, 120_000);
});
