import { scrubSecrets } from './secret-scrubber';

const secret = 'Q7"kd9\\Zp2%w&x8+Lm=Rt5<Hy';
const leaks = (text: string) => ['Q7"kd9', 'Zp2%w&x8', 'Lm=Rt5<Hy', 'kd9\\Zp2%'].some((piece) => text.includes(piece));
const hex = Buffer.from(secret).toString('hex');
/** Any 4 bytes of the secret in hex, in either case and at either nibble. */
const leaksHex = (text: string) =>
  Array.from({ length: hex.length - 7 }, (_, at) => hex.slice(at, at + 8)).some((piece) => text.toLowerCase().includes(piece));

describe('scrubSecrets', () => {
  it('cuts a secret quoted as it was sent, keeping the rest of the message', () => {
    expect(scrubSecrets(`bad credentials ${secret} for alice`, [secret])).toBe('bad credentials [redacted] for alice');
  });

  it.each([
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['base64', Buffer.from(secret).toString('base64')],
    ['in upper case', secret.toUpperCase()],
    ['hex-encoded', hex],
    ['hex-encoded in upper case', hex.toUpperCase()],
  ])('cuts it %s where it stands, keeping the rest of the message', (_form, quoted) => {
    expect(scrubSecrets(`bad token ${quoted} for alice`, [secret])).toBe('bad token [redacted] for alice');
  });

  it.each([
    ['JSON-escaped', JSON.stringify({ detail: `echo ${secret}` })],
    ['URL-encoded', `token=${encodeURIComponent(secret)}`],
    ['form-encoded', new URLSearchParams({ token: secret }).toString()],
    ['URL-encoded in lower case', encodeURIComponent(secret).toLowerCase()],
    ['upper-cased', secret.toUpperCase()],
    ['base64', Buffer.from(secret).toString('base64')],
    ['a Basic header of id:secret', `Basic ${Buffer.from(`MA0001:${secret}`).toString('base64')}`],
    [
      'HTML entities',
      secret
        .replace(/"/g, '&quot;')
        .replace(/</g, '&lt;')
        .replace(/&(?!quot|lt)/g, '&amp;'),
    ],
    ['JSON-escaped twice', JSON.stringify(JSON.stringify(secret))],
    ['cut short', `…${secret.slice(0, 9)}`],
    ['its tail', secret.slice(-10)],
    ['hex-encoded in a message', `{"error":"bad key 0x${hex}"}`],
    ['hex-encoded in upper case', `key=${hex.toUpperCase()}&user=alice`],
    ['hex-encoded from the middle of a byte', hex.slice(5, 31)],
    ['hex of a Basic pair id:secret', Buffer.from(`MA0001:${secret}`).toString('hex').toUpperCase()],
  ])('removes it %s', (_form, text) => {
    const scrubbed = scrubSecrets(text, [secret]);
    expect(leaks(scrubbed)).toBe(false);
    expect(leaksHex(scrubbed)).toBe(false);
    expect(scrubbed).toContain('[redacted]');
  });

  // Every 8 characters of these secrets hold a character that the quoting escapes with a backslash, so no fragment
  // shows raw or in any form that is cut where it stands: only undoing the backslash escapes shows the secret.
  it.each([
    ['JSON-escaped twice', 'k9"Qz"7x"Lm"2p"Rt"', (value: string) => JSON.stringify(JSON.stringify(value))],
    ['with its slashes JSON-escaped as \\/', 'k9/Qz/7x/Lm/2p/Rt/', (value: string) => JSON.stringify(value).replace(/\//g, '\\/')],
  ])('removes a secret %s', (_form, quotedSecret, quote) => {
    const text = `{"error":"bad token ${quote(quotedSecret)} for alice"}`;
    const windows = Array.from({ length: quotedSecret.length - 7 }, (_, at) => quotedSecret.slice(at, at + 8));
    expect(windows.some((piece) => text.includes(piece))).toBe(false);
    expect(scrubSecrets(text, [quotedSecret])).toBe('[redacted]');
  });

  // Unlike the HTML case above, no raw run of the secret is left to cut: only decoding the entities shows it.
  it.each([
    ['hexadecimal', (code: number) => `&#x${code.toString(16)};`],
    ['decimal', (code: number) => `&#${code};`],
  ])('removes it when every character is a %s HTML entity', (_form, entity) => {
    const encoded = [...secret].map((char) => entity(char.charCodeAt(0))).join('');
    const scrubbed = scrubSecrets(`<p>bad token ${encoded}</p>`, [secret]);
    const decoded = scrubbed.replace(/&#(x?)([0-9a-f]+);/gi, (_match, x: string, digits: string) =>
      String.fromCharCode(parseInt(digits, x ? 16 : 10)),
    );
    expect(leaks(decoded)).toBe(false);
    expect(scrubbed).toBe('[redacted]');
  });

  // A run of base64 may start part-way through a 4-character group (glued to other letters), and the secret may start
  // at any byte of the encoded value: every alignment is decoded, or the secret would show through.
  it.each([0, 1, 2, 3].flatMap((lead) => [0, 1, 2].map((prefix) => [lead, prefix])))(
    'removes it from a base64 run with %i stray characters before it and %i bytes before the secret',
    (lead, prefix) => {
      const run = `${'QxZ'.slice(0, lead)}${Buffer.from(`${'#'.repeat(prefix)}${secret}`).toString('base64')}`;
      const scrubbed = scrubSecrets(`provider said: ${run} (check the token)`, [secret]);
      const decoded = [...scrubbed.matchAll(/[A-Za-z0-9+/]{12,}=*/g)].flatMap(([found]) =>
        [0, 1, 2, 3].map((skip) => Buffer.from(found.slice(skip), 'base64').toString('latin1')),
      );
      for (const text of [scrubbed, ...decoded]) expect(leaks(text)).toBe(false);
      expect(scrubbed).toContain('[redacted]');
    },
  );

  it('leaves text alone that shares no 8-character fragment with any secret, and ignores short secrets', () => {
    expect(scrubSecrets('invalid_scope: scope must be voice.webrtc', [secret, 'short'])).toBe('invalid_scope: scope must be voice.webrtc');
    expect(scrubSecrets('a short one', ['short'])).toBe('a short one');
  });

  it('cuts a secret of exactly 8 characters, the shortest matched', () => {
    expect(scrubSecrets('pin=Ab3$xY9!', ['Ab3$xY9!'])).toBe('pin=[redacted]');
  });

  it('copes with a long text and long secrets (bounded work: one pass per secret form)', () => {
    const token = 'x'.repeat(8192);
    expect(scrubSecrets(`Bearer ${token} ${'y'.repeat(4000)}`, [token, `Bearer ${token}`])).not.toContain('xxxxxxxx');
  });

  // JSON.stringify three times leaves three layers of backslashes: undoing one shows the text JSON-escaped twice, which
  // no secret form matches; only undoing a second shows the secret's JSON-escaped form.
  it('removes a secret JSON-escaped three times, with a quote every 3 characters', () => {
    const quoted = 'ab"cd"ef"gh"ij"kl"mn';
    const text = `error: body was ${JSON.stringify(JSON.stringify(JSON.stringify(quoted)))} end`;
    const windows = Array.from({ length: quoted.length - 7 }, (_, at) => quoted.slice(at, at + 8));
    expect(windows.some((piece) => text.includes(piece))).toBe(false);
    expect(scrubSecrets(text, [quoted])).toBe('[redacted]');
  });

  // No fragment shows raw or in any form cut where it stands (every character is its own %XX escape, so no 8 hex
  // digits run together): only percent-decoding the text shows the secret, and then the whole text goes.
  it('removes a secret when every character of it is percent-escaped', () => {
    const key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const text = `bad key ${[...key].map((char) => `%${char.charCodeAt(0).toString(16)}`).join('')}`;
    expect(text).not.toContain(encodeURIComponent(key).slice(0, 8));
    expect(scrubSecrets(text, [key])).toBe('[redacted]');
  });
});
