import net from 'node:net';

/**
 * A POST written by hand on a plain socket, so the test controls the framing: chunked with no Content-Length, or a
 * Content-Length that lies. The body is generated as it is sent (a prefix, then one 1 MiB buffer over and over, then a
 * suffix if it gets that far), never held whole; sending stops as soon as the server answers or closes.
 */
export interface RawUpload {
  port: number;
  path: string;
  headers: Record<string, string>;
  prefix: Buffer;
  /** body bytes offered in all, prefix and suffix included */
  total: number;
  suffix?: Buffer;
  /** chunked transfer encoding, or this Content-Length whether or not it is true */
  contentLength?: number;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** body bytes handed to the socket when the answer came (an upper bound of what the server read) */
  sentBytes: number;
  ms: number;
}

const FILLER = Buffer.alloc(1024 * 1024, 0x61);

export function rawUpload(o: RawUpload): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(o.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let sent = 0;
    let done = false;
    let wake = () => {};
    const finish = (err: Error | null, res?: Omit<RawResponse, 'sentBytes' | 'ms'>) => {
      if (done) return;
      done = true;
      wake();
      clearTimeout(timer);
      socket.destroy();
      if (err || !res) reject(err ?? new Error('no answer'));
      else resolve({ ...res, sentBytes: sent, ms: Date.now() - started });
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer within ${o.timeoutMs ?? 60_000} ms (${sent} bytes sent)`)),
      o.timeoutMs ?? 60_000,
    );
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      const res = parseResponse(received, false);
      if (res) finish(null, res);
    });
    socket.on('close', () => {
      const res = parseResponse(received, true);
      finish(res ? null : new Error(`connection closed without an answer after ${sent} bytes`), res ?? undefined);
    });
    socket.on('error', () => undefined); // a reset after the answer is expected; 'close' decides
    socket.on('drain', () => wake());
    socket.on('connect', () => {
      void pump().catch((e: Error) => finish(e));
    });

    async function pump() {
      const framing = o.contentLength === undefined ? 'Transfer-Encoding: chunked' : `Content-Length: ${o.contentLength}`;
      const head = Object.entries({ Host: `localhost:${o.port}`, ...o.headers }).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.write(`POST ${o.path} HTTP/1.1\r\n${head.join('')}${framing}\r\n\r\n`);
      const suffix = o.suffix ?? Buffer.alloc(0);
      const write = async (data: Buffer) => {
        if (done || data.length === 0) return;
        socket.cork();
        if (o.contentLength === undefined) socket.write(`${data.length.toString(16)}\r\n`);
        socket.write(data);
        if (o.contentLength === undefined) socket.write('\r\n');
        sent += data.length;
        socket.uncork();
        if (socket.writableNeedDrain) await new Promise<void>((r) => (wake = r));
      };
      await write(o.prefix);
      while (!done && sent + suffix.length < o.total)
        await write(FILLER.subarray(0, Math.min(FILLER.length, o.total - suffix.length - sent)));
      await write(suffix);
      if (!done && o.contentLength === undefined) socket.write('0\r\n\r\n');
    }
  });
}

/** A complete HTTP/1.1 response at the start of `buf`, or null while it is still arriving. */
function parseResponse(buf: Buffer, ended: boolean): Omit<RawResponse, 'sentBytes' | 'ms'> | null {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  const status = Number(statusLine.split(' ')[1]);
  const rest = buf.subarray(end + 4);
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    return rest.length >= n ? { status, headers, body: rest.subarray(0, n).toString('utf8') } : null;
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    for (let at = 0; ;) {
      const eol = rest.indexOf('\r\n', at);
      if (eol < 0) return null;
      const size = parseInt(rest.subarray(at, eol).toString('latin1'), 16);
      if (size === 0) return { status, headers, body: Buffer.concat(parts).toString('utf8') };
      if (rest.length < eol + 2 + size + 2) return null;
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  return ended ? { status, headers, body: rest.toString('utf8') } : null;
}
