import { verifyExport } from '../../src/audit-streaming/export-verifier';
import { startReplicaSet, ReplicaSet, seedTwilioEndpoint } from '../helpers/replica-set';
import { eventually } from '../helpers/eventually';
import { describeWith } from '../helpers/requirements';
import { callJson } from '../helpers/server-process';
import { WebhookReceiver } from '../helpers/webhook-receiver';

describeWith(['postgresql'], 'audit streaming when a replica is killed mid-batch', () => {
  let replicas: ReplicaSet;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    // Only the first replica delivers at first; a short lease, so that the second takes over its sink soon after it dies.
    replicas = await startReplicaSet(2, {
      env: { ALLOW_PRIVATE_NETWORK_URLS: 'true', AUDIT_STREAM_POLL_MS: '50', AUDIT_STREAM_LEASE_SECONDS: '2' },
    });
    await replicas.restart(1, { AUDIT_STREAM_POLL_MS: '0' });
  }, 120_000);
  afterAll(async () => {
    await receiver.stop();
    await replicas?.stop();
  });

  it('loses no event and stores none twice: the other replica sends the batch again once the lease lapses', async () => {
    const [first] = replicas.urls;
    const tenant = await seedTwilioEndpoint(first, replicas.adminKey, 'killed-mid-batch');
    const sink = await callJson(first, 'POST', '/v1/audit-sinks', tenant.key, {
      name: 'siem',
      kind: 'webhook',
      url: receiver.url,
      logs: ['token_issuances'],
    });
    expect(sink.status).toBe(201);
    const secret = (sink.body as unknown as { secret: string }).secret;
    const sinkRoute = `/v1/audit-sinks/${(sink.body as { id: string }).id}`;
    // Paused while five tokens are written, so that the first replica sends them in one batch when resumed.
    expect((await callJson(first, 'PATCH', sinkRoute, tenant.key, { paused: true })).status).toBe(200);
    for (let index = 0; index < 5; index += 1) {
      expect((await callJson(first, 'POST', '/v1/tokens', tenant.key, { endpointId: tenant.endpointId })).status).toBe(201);
    }
    receiver.hold = true;
    expect((await callJson(first, 'PATCH', sinkRoute, tenant.key, { paused: false })).status).toBe(200);
    await eventually(() => receiver.store(secret).items.length === 5, 'the first replica sends the batch');
    await replicas.servers[0].kill();

    await replicas.restart(1, { AUDIT_STREAM_POLL_MS: '50' });
    receiver.release();
    const second = replicas.urls[1];
    for (let index = 0; index < 3; index += 1) {
      expect((await callJson(second, 'POST', '/v1/tokens', tenant.key, { endpointId: tenant.endpointId })).status).toBe(201);
    }
    await eventually(() => receiver.store(secret).items.length === 8, 'the second replica delivers the rest');
    await eventually(async () => {
      const status = await callJson(second, 'GET', sinkRoute, tenant.key);
      return (status.body as unknown as { delivery: { backlog: string }[] }).delivery[0].backlog === '0';
    }, 'the sink has no backlog');

    const { items, repeats, lines } = receiver.store(secret);
    const positions = items.map((item) => Number(item.seq));
    expect(positions).toEqual(Array.from({ length: 8 }, (_, index) => positions[0] + index));
    // The held batch of five came again from the second replica: kept once each.
    expect(repeats).toBe(5);
    const keys = await fetch(`${second}/v1/audit-stream/keys`).then((response) => response.json());
    expect(await verifyExport(lines, keys as never)).toMatchObject({ intact: true, chains: [{ events: 8, repeats }] });

    // Delivery ran on the replica's delivery thread; what it counted reaches the replica's /metrics.
    const metricsKey = (
      (await callJson(second, 'POST', '/v1/admin/service-keys', replicas.adminKey, { name: 'prometheus', scopes: ['metrics:read'] }))
        .body as { key: string }
    ).key;
    const eventsDelivered = async () => {
      const text = await fetch(`${second}/metrics`, { headers: { authorization: `Bearer ${metricsKey}` } }).then((response) =>
        response.text(),
      );
      return Number(/^callpass_audit_stream_events_total (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    await eventually(async () => (await eventsDelivered()) === 8, 'the thread reports the 8 events it delivered');
  }, 120_000);
});
