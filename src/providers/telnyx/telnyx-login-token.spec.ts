import { readLoginToken } from './telnyx-login-token';

describe('readLoginToken', () => {
  const now = new Date('2024-06-03T10:00:00.000Z');
  const seconds = now.getTime() / 1000;
  const jwt = (payload: unknown) =>
    [{ alg: 'HS512', typ: 'JWT' }, payload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.c2ln';

  it('refuses anything but a bounded JWT with a numeric exp in the future', () => {
    const answers = [
      '',
      'not a token',
      '{"data":{"token":"x"}}',
      'a.b',
      'a.b.c.d',
      `"${jwt({ exp: seconds + 60 })}"`,
      jwt({ exp: seconds + 60 }) + 'x'.repeat(8192),
      jwt(null),
      jwt({ iat: seconds }),
      jwt({ exp: String(seconds + 60) }),
      jwt({ exp: seconds }),
      // An expiry no date can hold, and one beyond a year.
      jwt({ exp: 1e13 }),
      jwt({ exp: seconds + 367 * 86_400 }),
    ];
    for (const answer of answers) {
      expect(() => readLoginToken(answer, now)).toThrow(expect.objectContaining({ code: 'provider_bad_response' }));
    }
  });

  it('reads the lifetime as exp − iat from now, never past exp', () => {
    expect(readLoginToken(jwt({ iat: seconds + 9, exp: seconds + 9 + 3600 }), now).expiresAt).toEqual(new Date((seconds + 3600) * 1000));
    expect(readLoginToken(jwt({ iat: seconds - 9, exp: seconds - 9 + 3600 }), now).expiresAt).toEqual(
      new Date((seconds - 9 + 3600) * 1000),
    );
    expect(readLoginToken(jwt({ exp: seconds + 3600 }), now).expiresAt).toEqual(new Date((seconds + 3600) * 1000));
    // The API reference's example lives 28 days: a valid token, for the policy to refuse.
    expect(readLoginToken(jwt({ exp: seconds + 28 * 86_400 }), now).expiresAt).toEqual(new Date((seconds + 28 * 86_400) * 1000));
  });

  it('trims the answer, and keeps a jti only when it is a UUID', () => {
    const jti = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
    const token = jwt({ exp: seconds + 60, jti });
    expect(readLoginToken(`${token}\n`, now)).toEqual({ token, expiresAt: new Date((seconds + 60) * 1000), tokenId: jti });
    expect(readLoginToken(jwt({ exp: seconds + 60, jti: 'x'.repeat(5000) }), now).tokenId).toBeUndefined();
  });
});
