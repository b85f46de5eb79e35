import { pipeline, Readable, Transform } from 'node:stream';

/** An answer's body went past the bytes its reader allows. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Reads a response body whole, refusing it (BodyTooLargeError) as soon as it passes `maxBytes`. */
export async function readCapped(body: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body as a stream that fails (BodyTooLargeError) as soon as it passes `maxBytes`, for readers that stream it. */
export function cappedStream(body: Readable, maxBytes: number): Readable {
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > maxBytes ? new BodyTooLargeError() : null, chunk);
    },
  });
  return pipeline(body, limit, () => undefined);
}
