import 'server-only';
import { AppError } from '../errors';

/**
 * After a refusal the rest of the body is left unread for PAUSE_MS: TCP back-pressure holds the client while the 413
 * goes out, and a client that reads while it sends (browsers, curl, Node) stops there. Then, for clients that write
 * their whole body before they read the answer (most blocking HTTP clients), what still arrives is read and dropped,
 * up to LINGER_MS and LINGER_BYTES, so that one a little over a limit can finish and see the 413 instead of a reset;
 * then the body is cancelled and Node's keep-alive timeout closes the idle connection. Nothing read meanwhile is kept.
 */
const PAUSE_MS = 500;
const LINGER_MS = 5_000;
const LINGER_BYTES = 64 * 1024 * 1024;

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/**
 * A request body read chunk by chunk and counted as it arrives, whatever Content-Length says: past `maxBytes` it
 * throws TOO_LARGE. Reading is pulled, so a consumer that stops reading stops the client (TCP back-pressure).
 */
export class BoundedBody {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array> | null;
  private received = 0;
  private finished = false;

  constructor(
    private readonly req: Request,
    private readonly maxBytes: number,
    private readonly tooLargeMessage: string,
  ) {
    this.reader = req.body ? req.body.getReader() : null;
  }

  /** A declared Content-Length over the limit is refused before anything is read (an undeclared or false one is counted). */
  refuseDeclaredLength(): void {
    const declared = Number(this.req.headers.get('content-length'));
    if (!Number.isFinite(declared) || declared <= this.maxBytes) return;
    this.release();
    throw new AppError('TOO_LARGE', this.tooLargeMessage);
  }

  /** The next chunk; null at the end of the body. */
  async next(): Promise<Uint8Array | null> {
    if (!this.reader || this.finished) return null;
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await this.reader.read();
    } catch {
      this.finished = true;
      throw new AppError('INVALID_INPUT', 'The upload was interrupted before its end.');
    }
    if (chunk.done) {
      this.finished = true;
      return null;
    }
    this.received += chunk.value.byteLength;
    if (this.received > this.maxBytes) {
      this.release();
      throw new AppError('TOO_LARGE', this.tooLargeMessage);
    }
    return chunk.value;
  }

  /** Stops using the body before its end (any refusal, whether or not reading began); see PAUSE_MS and LINGER_MS. */
  release(): void {
    if (!this.reader || this.finished) return;
    this.finished = true;
    const reader = this.reader;
    const cancel = () => void reader.cancel().catch(() => undefined);
    const cut = setTimeout(cancel, LINGER_MS);
    cut.unref();
    const drain = async () => {
      try {
        for (let dropped = 0; dropped <= LINGER_BYTES;) {
          const chunk = await reader.read();
          if (chunk.done) return;
          dropped += chunk.value.byteLength;
        }
        cancel();
      } catch {
        // the client went away, or the linger time ran out
      } finally {
        clearTimeout(cut);
      }
    };
    setTimeout(() => void drain(), PAUSE_MS).unref();
  }
}

/** A small body (a sign-in form) read whole, but never more than `maxBytes` of it. */
export async function readBoundedBody(req: Request, maxBytes: number, tooLargeMessage: string): Promise<Uint8Array<ArrayBuffer>> {
  const body = new BoundedBody(req, maxBytes, tooLargeMessage);
  body.refuseDeclaredLength();
  const chunks: Uint8Array[] = [];
  for (let c = await body.next(); c; c = await body.next()) chunks.push(c);
  return new Uint8Array(Buffer.concat(chunks));
}
