import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A private Orthanc (Debian packages `orthanc` + `orthanc-dicomweb`, installed by .ci/run) for the tests: a generated
 * configuration, a free loopback HTTP port, its storage in a temp folder, no DICOM (DIMSE) port, basic authentication;
 * stopped and removed by stop(). The package's own service (port 8042/4242) is never used.
 */
export interface TestOrthanc {
  /** REST root, e.g. http://127.0.0.1:39401 */
  url: string;
  /** DICOMweb root: PACS_DICOMWEB_URL */
  dicomweb: string;
  username: string;
  password: string;
  /** the REST API with the fixture's credentials (JSON in and out) */
  rest<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const BINARY = '/usr/sbin/Orthanc';
const PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export function orthancAvailable(): string | null {
  if (!fs.existsSync(BINARY))
    return `${BINARY} is missing: apt-get install -y --no-install-recommends orthanc orthanc-dicomweb (.ci/run does)`;
  if (!fs.existsSync(PLUGIN)) return `${PLUGIN} is missing: apt-get install -y --no-install-recommends orthanc-dicomweb`;
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startOrthanc(): Promise<TestOrthanc> {
  const missing = orthancAvailable();
  if (missing) throw new Error(missing);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-orthanc-'));
  const port = await freePort();
  const username = 'tumorwatch-test';
  const password = `pw-${process.pid}-${Date.now()}`;
  const config = {
    Name: 'TumorWatchTestPACS',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'storage'),
    TemporaryDirectory: path.join(dir, 'tmp'),
    Plugins: [PLUGIN],
    HttpPort: port,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [username]: password },
    DicomServerEnabled: false,
    OrthancExplorerEnabled: false,
    WebDavEnabled: false,
    HttpCompressionEnabled: false,
    ConcurrentJobs: 1,
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Host: `127.0.0.1:${port}`, Ssl: false },
  };
  fs.mkdirSync(path.join(dir, 'tmp'));
  fs.writeFileSync(path.join(dir, 'orthanc.json'), JSON.stringify(config, null, 1));
  const log = fs.openSync(path.join(dir, 'orthanc.log'), 'a');
  const child = spawn(BINARY, [path.join(dir, 'orthanc.json')], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const rest = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { Authorization: authorization, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Orthanc ${method} ${route}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : null) as T;
  };
  await waitReady(child, rest, dir);
  return {
    url,
    dicomweb: `${url}/dicom-web`,
    username,
    password,
    rest,
    stop: async () => {
      await stopProcess(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(child: ChildProcess, rest: TestOrthanc['rest'], dir: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited (${child.exitCode}) at start: ${tail(dir)}`);
    try {
      await rest('GET', '/system');
      return;
    } catch {
      if (Date.now() > deadline) {
        await stopProcess(child);
        throw new Error(`Orthanc did not answer within 30 s: ${tail(dir)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function tail(dir: string) {
  return fs.readFileSync(path.join(dir, 'orthanc.log'), 'utf8').split('\n').slice(-8).join('\n');
}

async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
