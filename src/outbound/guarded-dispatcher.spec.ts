import { LookupAddress } from 'node:dns';
import { ForbiddenAddressError, guardedLookup } from './guarded-dispatcher';

/** Calls the lookup the guarded sockets use, without connecting anywhere. */
const lookUp = (answer: LookupAddress[], all: boolean) =>
  new Promise<{ error: Error | null; result: unknown }>((resolve) => {
    guardedLookup(async () => answer)('provider.example', { all }, (error: Error | null, result: unknown) => resolve({ error, result }));
  });

describe('guarded lookup', () => {
  it.each([
    [
      'a loopback address among public ones',
      [
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    ],
    [
      'a private IPv6 address after a public one',
      [
        { address: '2606:4700:4700::1111', family: 6 },
        { address: 'fd00::1', family: 6 },
      ],
    ],
    ['a mapped metadata address', [{ address: '::ffff:169.254.169.254', family: 6 }]],
    ['no address at all', []],
  ])('refuses a name with %s', async (_case, answer) => {
    for (const all of [true, false]) {
      const { error } = await lookUp(answer, all);
      expect(error).toBeInstanceOf(ForbiddenAddressError);
    }
  });

  it('passes public addresses on, all of them or the first, as the socket asks', async () => {
    const answer = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ];
    expect(await lookUp(answer, true)).toEqual({ error: null, result: answer });
    expect(await lookUp(answer, false)).toEqual({ error: null, result: '93.184.216.34' });
  });
});
