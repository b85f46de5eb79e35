import { FakeClock } from '../../test/helpers/fake-clock';
import { RefusalTallyService } from './refusal-tally';
import { TokenIssuanceLogService, TokenIssuanceRecord } from './token-issuance-log';

describe('RefusalTallyService', () => {
  const setUp = () => {
    const written: TokenIssuanceRecord[] = [];
    const log = {
      appendCounts: async (records: TokenIssuanceRecord[]) => void written.push(...records),
    } as unknown as TokenIssuanceLogService;
    const clock = new FakeClock('2026-11-30T10:00:30.000Z');
    return { tally: new RefusalTallyService(log, clock), clock, written };
  };

  it('writes one row per counter for each minute that has ended, and nothing for the current one', async () => {
    const { tally, clock, written } = setUp();
    for (let request = 0; request < 3; request += 1)
      tally.count({ tenantId: 't1', actorKind: 'tenant_key', actorId: 'k1', errorCode: 'api_key_revoked' });
    tally.count({ actorKind: 'unauthenticated', errorCode: 'api_key_invalid' });
    await tally.flush();
    expect(written).toEqual([]);
    clock.advance(30_000);
    await tally.flush();
    expect(
      written.map(({ tenantId, actorId, errorCode, requestCount, issuedAt }) => ({ tenantId, actorId, errorCode, requestCount, issuedAt })),
    ).toEqual([
      { tenantId: 't1', actorId: 'k1', errorCode: 'api_key_revoked', requestCount: 3, issuedAt: new Date('2026-11-30T10:00:00.000Z') },
      {
        tenantId: undefined,
        actorId: undefined,
        errorCode: 'api_key_invalid',
        requestCount: 1,
        issuedAt: new Date('2026-11-30T10:00:00.000Z'),
      },
    ]);
  });

  it('holds at most 20,000 counters a minute, then counts refusals without tenant and actor', async () => {
    const { tally, clock, written } = setUp();
    for (let key = 0; key < 20_000; key += 1)
      tally.count({ tenantId: `t${key}`, actorKind: 'tenant_key', actorId: `k${key}`, errorCode: 'api_key_revoked' });
    for (let key = 20_000; key < 20_005; key += 1)
      tally.count({ tenantId: `t${key}`, actorKind: 'tenant_key', actorId: `k${key}`, errorCode: 'api_key_revoked' });
    clock.advance(60_000);
    await tally.flush();
    expect(written).toHaveLength(20_001);
    expect(written.at(-1)).toMatchObject({ tenantId: undefined, actorId: undefined, actorKind: 'tenant_key', requestCount: 5 });
  });

  it('lets a flood from many addresses take the client off new counters, never the tenant', async () => {
    const { tally, clock, written } = setUp();
    for (let client = 0; client < 10_000; client += 1)
      tally.count({ actorKind: 'unauthenticated', clientIp: `203.0.${client >> 8}.${client & 255}`, errorCode: 'api_key_invalid' });
    tally.count({ tenantId: 't1', actorKind: 'end_user', clientIp: '198.51.100.7', errorCode: 'end_user_token_expired' });
    clock.advance(60_000);
    await tally.flush();
    expect(written).toHaveLength(10_001);
    expect(written.at(-1)).toMatchObject({ tenantId: 't1', clientIp: undefined, errorCode: 'end_user_token_expired', requestCount: 1 });
  });
});
