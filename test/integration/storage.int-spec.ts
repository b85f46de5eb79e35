import { SystemClock } from '../../src/common/clock/clock';
import { ChangeFeedService } from '../../src/database/change-feed';
import { TenantCache, TenantCachesService } from '../../src/database/tenant-cache';
import { ApiKeysRepository } from '../../src/api-keys/api-keys.repository';
import { TokenIssuancesRepository } from '../../src/token-log/token-issuances.repository';
import { decodeCursor, encodeCursor } from '../../src/common/pagination/cursor';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { DatabaseConnection } from '../../src/database/database-connection';
import { isForeignKeyViolation, isUniqueViolation, isUniqueViolationOn } from '../../src/database/prisma-errors';
import { PrismaService } from '../../src/database/prisma.service';
import { EndpointsRepository } from '../../src/endpoints/endpoints.repository';
import { IssuanceTargetsRepository } from '../../src/issuance/issuance-targets.repository';
import { ProviderAccountsRepository } from '../../src/provider-accounts/provider-accounts.repository';
import { TenantsRepository } from '../../src/tenants/tenants.repository';
import { availableDatabaseKinds, createTestDatabase, TestDatabase } from '../helpers/test-database';

/** The repositories against each database adapter: the two report some things differently. */
describe.each(availableDatabaseKinds())('storage on %s', (kind) => {
  let database: TestDatabase;
  let prisma: PrismaService;
  let tenants: TenantsRepository;
  let accounts: ProviderAccountsRepository;
  let endpoints: EndpointsRepository;
  let connection: DatabaseConnection;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    connection = database.connect();
    prisma = new PrismaService(connection);
    tenants = new TenantsRepository(prisma);
    accounts = new ProviderAccountsRepository(prisma);
    endpoints = new EndpointsRepository(prisma);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  const newAccount = (tenantId: string, id: string, name = 'main') =>
    accounts.create(tenantId, {
      id,
      provider: 'twilio',
      name,
      baseUrl: null,
      config: { accountSid: 'AC1' },
      policy: { capabilities: ['incoming'] },
      secretCiphertext: 'cpenc1.k.a.b',
      secretKeyId: 'k',
      secretHints: { apiKeySecret: '****abcd' },
    });

  it('round-trips JSON, arrays, enum arrays and timestamps', async () => {
    const tenant = await tenants.create({ slug: `s-${kind}`, name: 'n', settings: { tokenTtl: { maxSeconds: 600 } } });
    const account = await newAccount(tenant.id, '01900000-0000-7000-8000-000000000001');
    const endpoint = await endpoints.create(tenant.id, {
      providerAccountId: account.id,
      userId: 'u1',
      identity: 'u1',
      capabilities: ['incoming', 'outgoing'],
      disabled: false,
    });
    expect(await tenants.find(tenant.id)).toMatchObject({ settings: { tokenTtl: { maxSeconds: 600 } }, status: 'active' });
    expect(await accounts.find(tenant.id, account.id)).toMatchObject({
      config: { accountSid: 'AC1' },
      policy: { capabilities: ['incoming'] },
    });
    expect((await endpoints.find(tenant.id, endpoint.id))?.capabilities).toEqual(['incoming', 'outgoing']);
    expect(endpoint.createdAt).toBeInstanceOf(Date);
  });

  it('reads the hot-path rows (outside Prisma) with the same types on either adapter', async () => {
    const tenant = await tenants.create({ slug: `hot-${kind}`, name: 'h', settings: { tokenTtl: { maxSeconds: 900 } } });
    const account = await newAccount(tenant.id, '01900000-0000-7000-8000-000000000009');
    await accounts.update(tenant.id, account.id, { policy: { capabilities: ['incoming'], autoEnroll: true } });
    const endpoint = await endpoints.create(tenant.id, {
      providerAccountId: account.id,
      userId: 'hot user',
      identity: 'hot',
      capabilities: ['outgoing'],
      disabled: false,
      providerData: { allowedAddresses: ['a'] },
    });
    const expected = {
      endpoint: {
        id: endpoint.id,
        tenantId: tenant.id,
        userId: 'hot user',
        identity: 'hot',
        capabilities: ['outgoing'],
        disabled: false,
        providerData: { allowedAddresses: ['a'] },
      },
      account: {
        id: account.id,
        tenantId: tenant.id,
        provider: 'twilio',
        status: 'active',
        baseUrl: null,
        config: { accountSid: 'AC1' },
        policy: { capabilities: ['incoming'], autoEnroll: true },
        secretCiphertext: 'cpenc1.k.a.b',
        updatedAt: expect.any(Date),
      },
      tenant: { id: tenant.id, status: 'active', settings: { tokenTtl: { maxSeconds: 900 } } },
    };
    // The statements themselves: a change feed never started keeps nothing in memory.
    const uncached = {
      create: () => new TenantCache(1, 0, new SystemClock(), new ChangeFeedService(connection)),
    } as unknown as TenantCachesService;
    const targets = new IssuanceTargetsRepository(connection, uncached);
    expect(await targets.byEndpoint(tenant.id, endpoint.id)).toEqual(expected);
    expect(await targets.byAccountAndUser(tenant.id, account.id, 'hot user')).toEqual(expected);
    expect(await targets.ofUser(tenant.id, 'hot user')).toEqual([expected]);
    expect(await targets.byEndpoint('01900000-0000-7000-8000-00000000ffff', endpoint.id)).toBeUndefined();
    const { endpoint: _, ...accountOnly } = expected;
    expect(await targets.account(tenant.id, account.id)).toEqual(accountOnly);
    expect(await targets.accountOfAnyTenant(account.id)).toEqual(accountOnly);
    expect(await targets.enrollableAccounts(tenant.id)).toEqual([accountOnly]);
    expect(await targets.account('01900000-0000-7000-8000-00000000ffff', account.id)).toBeUndefined();

    const keys = new ApiKeysRepository(prisma, connection);
    const generated = generateApiKey('tenant');
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    const key = await keys.create({
      kind: 'tenant',
      tenantId: tenant.id,
      name: 'k',
      prefix: generated.prefix,
      secretHash: generated.secretHash,
      scopes: ['x'],
      expiresAt,
    });
    expect(await keys.findForAuthentication(generated.secretHash)).toEqual({
      id: key.id,
      kind: 'tenant',
      tenantId: tenant.id,
      scopes: ['x'],
      expiresAt,
      revokedAt: null,
      lastUsedAt: null,
      tenantStatus: 'active',
    });
  });

  it('finds nothing when addressed through another tenant', async () => {
    const owner = await tenants.create({ slug: `owner-${kind}`, name: 'o', settings: {} });
    const other = await tenants.create({ slug: `other-${kind}`, name: 'x', settings: {} });
    const account = await newAccount(owner.id, '01900000-0000-7000-8000-000000000002');
    expect(await accounts.find(other.id, account.id)).toBeNull();
    expect((await accounts.list(other.id, {}, undefined, 10)).map((row) => row.id)).not.toContain(account.id);
    await expect(accounts.update(other.id, account.id, { name: 'taken' })).rejects.toMatchObject({ code: 'P2025' });
    await expect(accounts.delete(other.id, account.id)).rejects.toMatchObject({ code: 'P2025' });
    expect((await accounts.find(owner.id, account.id))?.name).toBe('main');
  });

  it("cannot attach an endpoint to another tenant's account, even bypassing the services", async () => {
    const owner = await tenants.create({ slug: `fk-owner-${kind}`, name: 'o', settings: {} });
    const intruder = await tenants.create({ slug: `fk-intruder-${kind}`, name: 'i', settings: {} });
    const account = await newAccount(owner.id, '01900000-0000-7000-8000-000000000003');
    const refused = await endpoints
      .create(intruder.id, { providerAccountId: account.id, userId: 'u', identity: 'u', capabilities: [], disabled: false })
      .catch((error: unknown) => error);
    expect(isForeignKeyViolation(refused)).toBe(true);
  });

  it('reports which column a unique violation is on, whatever the adapter', async () => {
    const tenant = await tenants.create({ slug: `uniq-${kind}`, name: 'u', settings: {} });
    const account = await newAccount(tenant.id, '01900000-0000-7000-8000-000000000004');
    await endpoints.create(tenant.id, { providerAccountId: account.id, userId: 'a', identity: 'same', capabilities: [], disabled: false });
    const identityClash = await endpoints
      .create(tenant.id, { providerAccountId: account.id, userId: 'b', identity: 'same', capabilities: [], disabled: false })
      .catch((error: unknown) => error);
    expect(isUniqueViolation(identityClash)).toBe(true);
    expect(isUniqueViolationOn(identityClash, 'identity')).toBe(true);
    const userClash = await endpoints
      .create(tenant.id, { providerAccountId: account.id, userId: 'a', identity: 'other', capabilities: [], disabled: false })
      .catch((error: unknown) => error);
    expect(isUniqueViolationOn(userClash, 'identity')).toBe(false);
    expect(isUniqueViolationOn(userClash, 'user_id')).toBe(true);
  });

  it('pages in (time desc, id desc) order across rows sharing a timestamp', async () => {
    const tenant = await tenants.create({ slug: `page-${kind}`, name: 'p', settings: {} });
    const at = new Date('2026-11-01T00:00:00Z');
    await prisma.tokenIssuance.createMany({
      data: Array.from({ length: 5 }, () => ({ tenantId: tenant.id, actorKind: 'tenant', issuedAt: at, outcome: 'issued' as const })),
    });
    const repository = new TokenIssuancesRepository(prisma);
    const first = await repository.list(tenant.id, {}, undefined, 3);
    const rest = await repository.list(tenant.id, {}, decodeCursor(encodeCursor({ at, id: first[2].id })), 10);
    const ids = [...first, ...rest].map((row) => row.id);
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it('groups usage by UTC day with raw SQL', async () => {
    const tenant = await tenants.create({ slug: `usage-${kind}`, name: 'u', settings: {} });
    await prisma.tokenIssuance.createMany({
      data: ['2026-11-01T23:30:00Z', '2026-11-01T00:10:00Z', '2026-11-02T00:00:00Z'].map((issuedAt) => ({
        tenantId: tenant.id,
        actorKind: 'tenant',
        provider: 'plivo',
        issuedAt: new Date(issuedAt),
        outcome: 'issued' as const,
      })),
    });
    const rows = await new TokenIssuancesRepository(prisma).usageByDay(tenant.id, new Date('2026-11-01'), new Date('2026-11-03'));
    expect(rows.map((row) => [row.day.toISOString().slice(0, 10), row.count])).toEqual([
      ['2026-11-01', 2],
      ['2026-11-02', 1],
    ]);
  });
});
