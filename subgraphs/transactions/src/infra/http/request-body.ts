import type { IncomingMessage } from 'node:http';

/**
 * Reading ingest bodies within a bound. The request stream is read through its iterator and never
 * destroyed here: destroying an IncomingMessage destroys its socket, and the client would get a reset
 * instead of the 413 (or 400) that explains the refusal. A refusal sent before the body was read to its
 * end closes the connection after the answer (errors.ts), so the unread rest costs nothing.
 */
export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
  constructor(readonly bytesMax: number) {
    super(`the body is larger than ${bytesMax} bytes`);
  }
}

/** The declared Content-Length, or null when absent or not a plain number. */
export function declaredLength(request: IncomingMessage): number | null {
  const value = request.headers['content-length'];
  return value !== undefined && /^\d{1,16}$/.test(value) ? Number(value) : null;
}

/** The body's chunks, throwing PayloadTooLargeError as soon as more than `bytesMax` bytes arrived. */
export async function* bodyChunks(request: IncomingMessage, bytesMax: number): AsyncGenerator<Buffer> {
  const iterator = request[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return;
    size += next.value.length;
    if (size > bytesMax) throw new PayloadTooLargeError(bytesMax);
    yield next.value;
  }
}

/** The whole body, or null when it is larger than `bytesMax` (the rest is left unread). */
export async function readBodyAtMost(request: IncomingMessage, bytesMax: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of bodyChunks(request, bytesMax)) chunks.push(chunk);
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return null;
    throw error;
  }
  return Buffer.concat(chunks);
}

