import { createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** The usage view's window when the caller names none or only one end, and its limits at their exact edges. */
describe('internal usage window', () => {
  let t: TestApp;
  let usageKey: string;

  beforeAll(async () => {
    // The fake clock reads 2024-06-03T10:00:00Z: the default window is 2024-05-05T00:00Z up to 2024-06-04T00:00Z.
    t = await createTestApp();
    const created = await t.http
      .post('/v1/admin/service-keys')
      .set(bearer(t.adminKey))
      .send({ name: 'usage', scopes: ['usage:read'] })
      .expect(201);
    usageKey = created.body.key as string;
  });
  afterAll(() => t?.close());

  /** A tenant with one issued row at each of `instants`. */
  const tenantWithRowsAt = async (instants: string[]): Promise<TestTenant> => {
    const tenant = await createTenant(t);
    await t.prisma.tokenIssuance.createMany({
      data: instants.map((issuedAt) => ({
        tenantId: tenant.id,
        provider: 'twilio',
        issuedAt: new Date(issuedAt),
        actorKind: 'tenant',
        outcome: 'issued' as const,
      })),
    });
    return tenant;
  };
  const usage = (query: Record<string, string>) => t.http.get('/v1/internal/usage').query(query).set(bearer(usageKey));
  const days = (body: { day: string; issued: number }[]) => body.map(({ day, issued }) => [day, issued]);

  it("counts, when no window is named, the 30 days up to the end of today on the service's clock", async () => {
    const tenant = await tenantWithRowsAt([
      '2024-05-04T23:59:59.999Z',
      '2024-05-05T00:00:00.000Z',
      '2024-06-03T23:59:59.999Z',
      '2024-06-04T00:00:00.000Z',
    ]);
    const answer = await usage({ tenantId: tenant.id }).expect(200);
    expect(days(answer.body)).toEqual([
      ['2024-05-05', 1],
      ['2024-06-03', 1],
    ]);
  });

  it('counts the 30 days before a named end, and up to the end of today from a named start', async () => {
    const tenant = await tenantWithRowsAt([
      '2024-03-31T23:59:59.999Z',
      '2024-04-01T00:00:00.000Z',
      '2024-04-30T23:59:59.999Z',
      '2024-05-01T00:00:00.000Z',
      '2024-06-03T23:59:59.999Z',
      '2024-06-04T00:00:00.000Z',
    ]);
    const toOnly = await usage({ tenantId: tenant.id, to: '2024-05-01' }).expect(200);
    expect(days(toOnly.body)).toEqual([
      ['2024-04-01', 1],
      ['2024-04-30', 1],
    ]);
    const fromOnly = await usage({ tenantId: tenant.id, from: '2024-05-01' }).expect(200);
    expect(days(fromOnly.body)).toEqual([
      ['2024-05-01', 1],
      ['2024-06-03', 1],
    ]);
  });

  it('answers a window of exactly 366 days, and refuses one a day longer and one of no days at all', async () => {
    const tenant = await tenantWithRowsAt(['2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z']);
    // 2024 is a leap year: its 366 days are the longest window allowed.
    const leapYear = await usage({ tenantId: tenant.id, from: '2024-01-01', to: '2025-01-01' }).expect(200);
    expect(days(leapYear.body)).toEqual([
      ['2024-01-01', 1],
      ['2024-12-31', 1],
    ]);
    const tooLong = await usage({ tenantId: tenant.id, from: '2023-12-31', to: '2025-01-01' }).expect(400);
    expect(tooLong.body.error.details.fields).toEqual([{ field: 'from', messages: ['at most 366 days per query'] }]);
    const empty = await usage({ tenantId: tenant.id, from: '2024-01-01', to: '2024-01-01' }).expect(400);
    expect(empty.body.error.details.fields).toEqual([{ field: 'from', messages: ['from must be before to'] }]);
  });
});
