import http from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';

/**
 * A route handler served over real HTTP on a free loopback port, so that an outside client (Orthanc's DICOMweb
 * client) can call it in-process: each request becomes a Web Request, the handler's Response is written back.
 * `onRequest` sees the Node request first (a test passes its Authorization header to a mocked next/headers).
 */
export async function serveRoute(
  handler: (req: Request) => Promise<Response>,
  onRequest: (req: http.IncomingMessage) => void = () => {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    onRequest(req);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      duplex: 'half',
    } as RequestInit);
    handler(request)
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((e: unknown) => {
        res.writeHead(500).end(String(e));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
