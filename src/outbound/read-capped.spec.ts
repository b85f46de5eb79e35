import { BodyTooLargeError, readCapped } from './read-capped';

async function* chunksOf(...sizes: number[]): AsyncIterable<Buffer> {
  for (const size of sizes) yield Buffer.alloc(size, 'a');
}

describe('readCapped', () => {
  it('takes a body of exactly the cap, across chunks, whole', async () => {
    expect((await readCapped(chunksOf(600, 424), 1024)).length).toBe(1024);
  });

  it('refuses a body one byte past the cap, as soon as the chunk that passes it arrives', async () => {
    let read = 0;
    async function* counted(): AsyncIterable<Buffer> {
      for (const size of [1024, 1, 5000]) {
        read += 1;
        yield Buffer.alloc(size);
      }
    }
    await expect(readCapped(counted(), 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(read).toBe(2);
  });
});
