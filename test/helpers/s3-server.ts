import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import S3rver from 's3rver';

/** An object as the server stored it: its bytes as sent (a gzip body stays gzip), and the headers S3 keeps with it. */
export interface StoredS3Object {
  key: string;
  body: Buffer;
  contentType?: string;
  contentEncoding?: string;
  /** The `x-amz-meta-*` headers, without the prefix (the SDK's `Metadata`); empty when there were none. */
  metadata?: Record<string, string>;
}

/**
 * An S3-compatible server (s3rver) on loopback with one bucket, for a client configured with `endpoint`,
 * `forcePathStyle: true`, region `us-east-1` and these credentials. s3rver checks the access key id (another gets 403
 * InvalidAccessKeyId) but not SigV4 signatures (a wrong secret is accepted), and ignores conditional writes
 * (`IfNoneMatch: '*'` overwrites).
 */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`, the same across `restart`, `down` and `up`. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The bucket's objects whose key starts with `prefix`, in key order; only those whose upload was answered. */
  objects(prefix?: string): Promise<StoredS3Object[]>;
  /** Stops listening (open connections are cut) and deletes what was stored. */
  stop(): Promise<void>;
  /** Stops listening, cutting open connections, and listens again on the same port; the objects stay. */
  restart(): Promise<void>;
  /** Stops listening and cuts open connections (requests then fail with ECONNREFUSED) until `up`; the objects stay. */
  down(): Promise<void>;
  /** Listens again on the same port after `down`. */
  up(): Promise<void>;
}

const OBJECT_SUFFIX = '._S3rver_object';
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';

/** How long `objects` waits for a file whose upload was answered to be on disk whole (s3rver answers before the flush). */
const SETTLE_MS = 2_000;

export async function startS3Server(options: { bucket?: string } = {}): Promise<S3TestServer> {
  const bucket = options.bucket ?? 'callpass-test';
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-s3-'));
  // s3rver as a request handler on our own server: our port, our close (it keeps no handle on the server).
  // vhostBuckets off: a client reaching it by a name mapped to loopback must not have that name taken for the bucket.
  const s3rver = new S3rver({ directory, silent: true, vhostBuckets: false, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  const handler = s3rver.callback();

  let server: http.Server | undefined;
  let port = 0;
  const listen = async () => {
    if (server) return;
    const started = http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      started.once('error', reject);
      started.listen(port, '127.0.0.1', () => {
        started.off('error', reject);
        resolve();
      });
    });
    server = started;
    port = (started.address() as AddressInfo).port;
  };
  const close = async () => {
    const stopping = server;
    server = undefined;
    if (!stopping) return;
    const closed = new Promise<void>((resolve) => stopping.close(() => resolve()));
    stopping.closeAllConnections();
    await closed;
  };
  await listen();

  const bucketDirectory = path.join(directory, bucket);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    async objects(prefix = '') {
      const files = (await readdir(bucketDirectory, { recursive: true })).filter((file) => file.endsWith(OBJECT_SUFFIX));
      const keys = files.map((file) => file.slice(0, -OBJECT_SUFFIX.length).split(path.sep).join('/'));
      const stored = await Promise.all(
        keys.filter((key) => key.startsWith(prefix)).map((key) => storedObject(path.join(bucketDirectory, key + OBJECT_SUFFIX), key)),
      );
      return stored
        .filter((object): object is StoredS3Object => object !== undefined)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async stop() {
      await close();
      await rm(directory, { recursive: true, force: true });
    },
    async restart() {
      await close();
      await listen();
    },
    down: close,
    up: listen,
  };
}

/**
 * One object from s3rver's directory: `<key>._S3rver_object` (the bytes), `.md5` next to it and
 * `<key>._S3rver_metadata.json` (written once the bytes were received). s3rver answers a PUT when the bytes went
 * through its hash, which may be before the file has them all: the bytes are read until their MD5 is the stored one.
 * Undefined for an upload not answered yet (no MD5 stored).
 */
async function storedObject(objectPath: string, key: string): Promise<StoredS3Object | undefined> {
  const md5Path = `${objectPath}.md5`;
  const metadataPath = objectPath.slice(0, -OBJECT_SUFFIX.length) + '._S3rver_metadata.json';
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const md5 = await readFile(md5Path, 'utf8').catch(() => undefined);
    if (md5 === undefined) return undefined;
    const body = await readFile(objectPath);
    if (createHash('md5').update(body).digest('hex') === md5.trim()) {
      const headers = JSON.parse(await readFile(metadataPath, 'utf8').catch(() => '{}')) as Record<string, string>;
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
      }
      return { key, body, contentType: headers['content-type'], contentEncoding: headers['content-encoding'], metadata };
    }
    if (Date.now() > deadline) throw new Error(`s3rver's ${key} does not match its MD5 after ${SETTLE_MS} ms`);
    await sleep(10);
  }
}
