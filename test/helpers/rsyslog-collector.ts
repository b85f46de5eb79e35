import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createPrivateCa } from './private-ca';

/** rsyslog's TLS drivers: `gtls` (package rsyslog-gnutls, negotiates TLS 1.2 here) or `ossl` (rsyslog-openssl, TLS 1.3). */
export type RsyslogTlsDriver = 'gtls' | 'ossl';

export interface SyslogCollector {
  /** Where it listens, on 127.0.0.1; the same after restart(). */
  readonly port: number;
  /** The CA (PEM) that signed its certificate for localhost and 127.0.0.1. */
  readonly caPem: string;
  /** Every message received, byte for byte as framed (octet counting or LF), in arrival order, across restarts. */
  messages(): Promise<string[]>;
  /** messages() once there are at least `count`; throws after `timeoutMs` with what did arrive. */
  waitForMessages(count: number, timeoutMs?: number): Promise<string[]>;
  /** Kills rsyslogd and removes its files; what it received stays readable. The port refuses connections until restart(). */
  stop(): Promise<void>;
  /** Starts rsyslogd again (stopping it first if running), on the same port with the same certificate. */
  restart(): Promise<void>;
}

const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd', '/usr/bin/rsyslogd'].find((file) => fs.existsSync(file));

/** Whether rsyslogd and its TLS driver are installed (apt-get install rsyslog rsyslog-gnutls, or rsyslog-openssl for ossl). */
export function rsyslogAvailable(driver: RsyslogTlsDriver = 'gtls'): boolean {
  const libs = ['/usr/lib', '/usr/lib64'].filter((dir) => fs.existsSync(dir));
  const moduleDirs = libs
    .flatMap((lib) => [lib, ...fs.readdirSync(lib).map((entry) => path.join(lib, entry))])
    .map((dir) => path.join(dir, 'rsyslog'));
  return RSYSLOGD !== undefined && moduleDirs.some((dir) => fs.existsSync(path.join(dir, `lmnsd_${driver}.so`)));
}

/** A private rsyslogd (not the system's) accepting RFC 5425 syslog over TLS on loopback and recording each message. */
export async function startRsyslogCollector(options: { driver?: RsyslogTlsDriver } = {}): Promise<SyslogCollector> {
  if (!RSYSLOGD) throw new Error('rsyslogd is not installed (apt-get install rsyslog rsyslog-gnutls)');
  const driver = options.driver ?? 'gtls';
  const ca = createPrivateCa();
  const pems = {
    'ca.pem': ca.caPem,
    'server.pem': fs.readFileSync(ca.certFile, 'utf8'),
    'server.key': fs.readFileSync(ca.keyFile, 'utf8'),
  };
  ca.remove();
  let port = 0;
  let dir = '';
  let child: ChildProcess | undefined;
  let earlier: string[] = [];
  const killOnExit = () => child?.kill('SIGKILL');

  const readLog = async (): Promise<string[]> => {
    const text = dir ? await fs.promises.readFile(path.join(dir, 'messages.log'), 'utf8').catch(() => '') : '';
    // Only complete lines: rsyslog may be in the middle of writing the last one. Each line is the message as a JSON
    // string body (so messages with LF, tab or quotes survive one-per-line); see the template below.
    return text
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(`"${line}"`) as string);
  };

  const start = async (): Promise<void> => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-rsyslog-'));
    const file = (name: string) => path.join(dir, name);
    for (const [name, pem] of Object.entries(pems)) fs.writeFileSync(file(name), pem, { mode: 0o600 });
    fs.mkdirSync(file('work'));
    // rsyslogd runs on with an empty configuration after a syntax error unless told to abort.
    // Without the parser.* settings rsyslog rewrites control characters as #011 / #012 and drops a trailing LF.
    // %rawmsg:::json% JSON-escapes the message as received (after framing), keeping UTF-8 as is.
    fs.writeFileSync(
      file('rsyslog.conf'),
      `global(abortOnUncleanConfig="on" workDirectory="${file('work')}" maxMessageSize="64k" net.enableDNS="off"
  parser.escapeControlCharactersOnReceive="off" parser.dropTrailingLFOnReception="off"
  defaultNetstreamDriver="${driver}" defaultNetstreamDriverCAFile="${file('ca.pem')}"
  defaultNetstreamDriverCertFile="${file('server.pem')}" defaultNetstreamDriverKeyFile="${file('server.key')}")
module(load="imtcp" streamDriver.name="${driver}" streamDriver.mode="1" streamDriver.authMode="anon")
template(name="raw" type="string" string="%rawmsg:::json%\\n")
ruleset(name="received") {
  action(type="omfile" file="${file('messages.log')}" template="raw" flushOnTXEnd="on" asyncWriting="off")
}
input(type="imtcp" address="127.0.0.1" port="${port}" listenPortFileName="${file('port')}" ruleset="received")
`,
    );
    let stderr = '';
    const daemon = spawn(RSYSLOGD, ['-n', '-f', file('rsyslog.conf'), '-i', file('rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = daemon;
    // A test process that dies without stop() must not leave a daemon behind.
    process.once('exit', killOnExit);
    daemon.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (daemon.exitCode !== null || daemon.signalCode !== null) break;
      // Given port 0, rsyslog picks a free port and writes it to the port file once listening (only then: not on restart).
      const listening = port || Number(fs.existsSync(file('port')) ? fs.readFileSync(file('port'), 'utf8') : 0);
      if (listening && (await handshakes(listening, pems['ca.pem']))) {
        port = listening;
        return;
      }
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const exit = daemon.exitCode ?? daemon.signalCode;
    await stop();
    if (!daemon.stderr.closed) await new Promise((resolve) => daemon.stderr.once('close', resolve));
    throw new Error(`rsyslogd ${exit === null ? 'accepted no TLS connection within 10 s' : `exited (${exit})`}; its stderr:\n${stderr}`);
  };

  const stop = async (): Promise<void> => {
    const daemon = child;
    child = undefined;
    process.off('exit', killOnExit);
    if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      const timer = setTimeout(() => daemon.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (dir) {
      earlier = [...earlier, ...(await readLog())];
      fs.rmSync(dir, { recursive: true, force: true });
      dir = '';
    }
  };

  const messages = async (): Promise<string[]> => [...earlier, ...(await readLog())];

  await start();
  return {
    get port() {
      return port;
    },
    caPem: pems['ca.pem'],
    messages,
    async waitForMessages(count: number, timeoutMs = 10_000): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const received = await messages();
        if (received.length >= count) return received;
        if (Date.now() > deadline)
          throw new Error(`expected ${count} syslog messages within ${timeoutMs} ms, got ${received.length}:\n${received.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}

function handshakes(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost', timeout: 1_000 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
