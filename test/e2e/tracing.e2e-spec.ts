import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { validCredentials } from '../factories/credentials.factory';
import { startReplicaSet } from '../helpers/replica-set';
import { callJson } from '../helpers/server-process';
import { itWith } from '../helpers/requirements';

interface ExportedSpan {
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** An OTLP/HTTP (JSON) collector on loopback that keeps what it is sent. */
async function startCollector() {
  const bodies: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const spans = () =>
    bodies.flatMap((body) =>
      (JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[] }).resourceSpans.flatMap((resource) =>
        resource.scopeSpans.flatMap((scope) => scope.spans),
      ),
    );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    raw: () => bodies.join('\n'),
    spans,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, a server process exports a trace of each request: the server span named
 * after its route, a span per pipeline stage, the SQL statements; and not one secret, token, key or query string.
 */
itWith(
  ['postgresql'],
  'exports a span per pipeline stage, with the route and the statements, and no secret',
  async () => {
    const collector = await startCollector();
    const replicas = await startReplicaSet(1, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'callpass-test' } });
    const [url] = replicas.urls;
    const secrets: string[] = [replicas.adminKey];
    try {
      const tenant = await callJson(url, 'POST', '/v1/admin/tenants', replicas.adminKey, { slug: 'traced', name: 'traced' });
      const key = await callJson(url, 'POST', `/v1/admin/tenants/${tenant.body.id}/api-keys`, replicas.adminKey, { name: 'k' });
      const credentials = validCredentials.twilio();
      secrets.push(key.body.key, credentials.secrets.apiKeySecret, credentials.secrets.authToken);
      const account = await callJson(url, 'POST', '/v1/provider-accounts', key.body.key, { provider: 'twilio', name: 't', ...credentials });
      const endpoint = await callJson(url, 'POST', '/v1/endpoints', key.body.key, {
        providerAccountId: account.body.id,
        userId: 'traced_user',
        capabilities: ['incoming', 'outgoing'],
      });
      expect([account.status, endpoint.status, JSON.stringify(account.body.error ?? endpoint.body.error ?? {})]).toEqual([201, 201, '{}']);
      const token = await callJson(url, 'POST', '/v1/tokens', key.body.key, { endpointId: endpoint.body.id });
      expect([token.status, JSON.stringify(token.body.error ?? {})]).toEqual([201, '{}']);
      secrets.push((token.body as unknown as { token: string }).token);
      const canary = 'QueryStringCanary0123456789';
      expect((await fetch(`${url}/v1/endpoints?access_token=${canary}`)).status).toBe(401);
      secrets.push(canary);
    } finally {
      // Draining flushes the spans still buffered.
      await replicas.stop();
      await collector.close();
    }

    const names = collector.spans().map((span) => span.name);
    console.log(`tracing: ${names.length} spans exported, e.g. ${[...new Set(names)].slice(0, 12).join(', ')}`);
    expect(names).toEqual(
      expect.arrayContaining(['POST /v1/tokens', 'callpass.issue', 'callpass.resolve_target', 'callpass.mint', 'callpass.record']),
    );
    expect(names.some((name) => name.startsWith('pg.query'))).toBe(true);
    const mint = collector.spans().find((span) => span.name === 'callpass.mint')!;
    expect(mint.attributes).toEqual(expect.arrayContaining([{ key: 'callpass.provider', value: { stringValue: 'twilio' } }]));
    const raw = collector.raw();
    for (const secret of secrets) expect(raw).not.toContain(secret);
    expect(raw).not.toContain('"url.query"');
  },
  90_000,
);
