import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { databaseUrl } from '../helpers/test-database';
import { runMainToExit } from '../helpers/server-process';

/**
 * What an operator gets wrong at start-up is answered with one line naming the setting and the fix, no stack trace,
 * and said once: no error in the logs repeats it.
 */
describe('start-up errors', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-startup-'));
  const serverUrl = process.env.TEST_DATABASE_URL;
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const expectOneLine = async (env: Record<string, string>, message: RegExp) => {
    const result = await runMainToExit({ DATA_DIR: dataDir, ...env });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const logged = result.stdout.split('\n').filter(Boolean);
    expect(logged.filter((line) => (JSON.parse(line) as { level: number }).level >= 50)).toEqual([]);
  };

  it('names DATABASE_URL when PostgreSQL cannot be reached', async () => {
    await expectOneLine(
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/callpass' },
      /^Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(DATABASE_URL\): start it, or unset DATABASE_URL to use the embedded database\.$/,
    );
  });

  // Cases that need a PostgreSQL server to answer (CI has one; a bare machine runs the rest).
  const withServer: [string, () => string, RegExp][] = serverUrl
    ? [
        [
          'a database that does not exist',
          () => databaseUrl(serverUrl, 'callpass_no_such_database'),
          /^The database in DATABASE_URL does not exist \(.*\): create it/,
        ],
        [
          'a user PostgreSQL does not know',
          () => Object.assign(new URL(serverUrl), { username: 'callpass_no_such_user' }).toString(),
          /^PostgreSQL refused the user in DATABASE_URL \(.*\): fix the user or password\.$/,
        ],
      ]
    : [];
  // Jest refuses an empty table, so the cases exist only where they can run.
  if (withServer.length) {
    it.each(withServer)('names DATABASE_URL for %s', async (_case, url, message) => {
      await expectOneLine({ DATABASE_URL: url() }, message);
    });
  }

  it('names PORT when the port is taken, before opening any database', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    const untouched = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-startup-port-'));
    try {
      await expectOneLine(
        { PORT: String(port), DATA_DIR: untouched },
        new RegExp(`^Port 127\\.0\\.0\\.1:${port} is in use \\(another Callpass\\?\\): stop that process, or set PORT to a free port\\.$`),
      );
      expect(fs.readdirSync(untouched)).toEqual([]);
    } finally {
      taken.close();
      fs.rmSync(untouched, { recursive: true, force: true });
    }
  });

  it('names every variable production mode lacks at once, each with how to make it', async () => {
    const result = await runMainToExit({ NODE_ENV: 'production' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid configuration: ENCRYPTION_KEYS is required when NODE_ENV=production (make one with `npx callpass keys generate encryption --quiet`)',
      expect.stringMatching(
        /^Invalid configuration: DATABASE_URL is required when NODE_ENV=production \(postgresql:\/\/user:password@host/,
      ),
    ]);
  });

  it('names HOST when it is not an address of this machine', async () => {
    await expectOneLine(
      { HOST: '192.0.2.1' },
      /^HOST=192\.0\.2\.1 is not an address of this machine: use 127\.0\.0\.1 \(this machine only\) or 0\.0\.0\.0 \(every interface\)\.$/,
    );
  });
});
