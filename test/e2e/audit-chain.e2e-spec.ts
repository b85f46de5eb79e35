import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { providerKits } from '../../src/providers/provider-kits';
import { ChainAnchorService } from '../../src/audit-chain/chain-anchor';
import { ChainVerifierService } from '../../src/audit-chain/chain-verifier';
import { commonErrors } from '../../src/common/errors/common.errors';
import { linkHash } from '../../src/audit-chain/chain-encoding';
import { DATABASE_CONNECTION, DatabaseConnection } from '../../src/database/database-connection';
import { TOKEN_LOG_CONTENT_COLUMNS } from '../../src/token-log/token-issuance-log';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';
import { availableDatabaseKinds, createTestDatabase, TestDatabase } from '../helpers/test-database';

const TOKENS_PER_TENANT = 6;
/** The tenant made, its key, its account and its endpoint. */
const CHANGES_PER_TENANT = 4;

describe.each(availableDatabaseKinds())('tamper-evident audit chains on %s', (kind) => {
  let database: TestDatabase;
  let ctx: IssuingContext;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ctx = await createIssuingContext({ database });
  });
  afterAll(async () => {
    await ctx?.close();
    await database?.drop();
  });

  /** A tenant of its own with TOKENS_PER_TENANT tokens in its token log (rows 1..6) and a few changes audited. */
  async function tenantWithHistory(): Promise<TestTenant> {
    const tenant = await createTenant(ctx.t);
    const { provider, baseUrl, config, secrets } = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    const account = await ctx.t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider, baseUrl, config, secrets, name: 'a' })
      .expect(201);
    const endpoint = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: account.body.id, userId: 'u1', capabilities: ['incoming', 'outgoing'] })
      .expect(201);
    for (let index = 0; index < TOKENS_PER_TENANT; index += 1) {
      await ctx.t.http.post('/v1/tokens').set(bearer(tenant.key)).send({ endpointId: endpoint.body.id }).expect(201);
    }
    return tenant;
  }

  const verify = (tenantId?: string) =>
    ctx.t.http
      .get('/v1/admin/audit/verify')
      .query(tenantId ? { tenantId } : {})
      .set(bearer(ctx.t.adminKey))
      .expect(200);

  /** Changes rows the way someone with write access to the database would: past the append-only triggers. */
  async function tamper(table: 'token_issuances' | 'audit_events' | 'chain_heads', statements: [string, unknown[]][]): Promise<void> {
    await database.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    try {
      for (const [sql, params] of statements) await database.query(sql, params);
    } finally {
      await database.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
  }

  it('keeps every chain intact through normal use, and shows each row its place', async () => {
    const tenant = await tenantWithHistory();
    const result = await verify(tenant.id);
    // The token log's chain and the audit log's.
    expect(result.body).toEqual({ intact: true, chains: 2, rows: TOKENS_PER_TENANT + CHANGES_PER_TENANT });
    const log = await ctx.t.http.get('/v1/token-issuances').set(bearer(tenant.key)).expect(200);
    expect(log.body.data.map((row: { chain: { seq: string } }) => Number(row.chain.seq)).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.body.data[0].chain.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await verify()).body.intact).toBe(true);
  });

  const rowAt = (tenantId: string, seq: number) => `chain_id = '${tenantId}' AND chain_seq = ${seq}`;
  it.each<[string, (tenantId: string) => [string, unknown[]][], { problem: string; seq: string }]>([
    [
      'an edited row',
      (id) => [[`UPDATE token_issuances SET identity = 'mallory' WHERE ${rowAt(id, 3)}`, []]],
      { problem: 'row_altered', seq: '3' },
    ],
    ['a deleted row', (id) => [[`DELETE FROM token_issuances WHERE ${rowAt(id, 3)}`, []]], { problem: 'row_missing', seq: '3' }],
    [
      'a reordered pair',
      (id) => [
        [`UPDATE token_issuances SET chain_seq = 1000003 WHERE ${rowAt(id, 3)}`, []],
        [`UPDATE token_issuances SET chain_seq = 3 WHERE ${rowAt(id, 4)}`, []],
        [`UPDATE token_issuances SET chain_seq = 4 WHERE ${rowAt(id, 1000003)}`, []],
      ],
      { problem: 'link_broken', seq: '3' },
    ],
    [
      'a row inserted in the middle',
      (id) => [
        [`UPDATE token_issuances SET chain_seq = chain_seq + 1000 WHERE chain_id = '${id}' AND chain_seq >= 3`, []],
        [`UPDATE token_issuances SET chain_seq = chain_seq - 999 WHERE chain_id = '${id}' AND chain_seq > 1000`, []],
        [
          `INSERT INTO token_issuances (id, tenant_id, actor_kind, issued_at, outcome, chain_id, chain_seq, chain_prev, chain_hash)
           SELECT gen_random_uuid(), tenant_id, actor_kind, issued_at, outcome, chain_id, 3, chain_hash, chain_hash
             FROM token_issuances WHERE ${rowAt(id, 2)}`,
          [],
        ],
      ],
      { problem: 'row_altered', seq: '3' },
    ],
    [
      'a truncated tail',
      (id) => [[`DELETE FROM token_issuances WHERE chain_id = '${id}' AND chain_seq >= 5`, []]],
      { problem: 'tail_missing', seq: '5' },
    ],
    [
      'a row added past the head',
      (id) => [
        [
          `INSERT INTO token_issuances (id, tenant_id, actor_kind, issued_at, outcome, chain_id, chain_seq, chain_prev, chain_hash)
           SELECT gen_random_uuid(), tenant_id, actor_kind, issued_at, outcome, chain_id, 7, chain_hash, chain_hash
             FROM token_issuances WHERE ${rowAt(id, 6)}`,
          [],
        ],
      ],
      { problem: 'row_outside_chain', seq: '7' },
    ],
    [
      'a row slipped in outside the chain',
      (id) => [
        [
          `INSERT INTO token_issuances (id, tenant_id, actor_kind, issued_at, outcome)
           SELECT gen_random_uuid(), tenant_id, actor_kind, issued_at, outcome FROM token_issuances WHERE ${rowAt(id, 6)}`,
          [],
        ],
      ],
      { problem: 'row_unchained', seq: '0' },
    ],
  ])('catches %s, naming the tenant, the place and the row', async (_name, statements, expected) => {
    const tenant = await tenantWithHistory();
    await tamper('token_issuances', statements(tenant.id));
    const result = await verify(tenant.id);
    expect(result.body).toMatchObject({ intact: false, broken: { log: 'token_issuances', tenantId: tenant.id, ...expected } });
    // Other tenants' chains are not touched by it.
    const other = await tenantWithHistory();
    expect((await verify(other.id)).body.intact).toBe(true);
  });

  // A row before an unpruned chain's start (chain_seq 0) is refused by the chain_seq_positive constraint (see below);
  // a pruned chain starts after its anchor, so the anchor's own position is the first place before its start.
  it("catches a row put back at a pruned chain's anchor, the last position pruned", async () => {
    const tenant = await tenantWithHistory();
    // Pruned as docs/operations.md's Retention says: rows 1 and 2 deleted, the head anchored at row 2.
    const [{ hash }] = await database.query<{ hash: string }>(
      `SELECT chain_hash AS hash FROM token_issuances WHERE ${rowAt(tenant.id, 2)}`,
    );
    await tamper('token_issuances', [[`DELETE FROM token_issuances WHERE chain_id = '${tenant.id}' AND chain_seq <= 2`, []]]);
    await tamper('chain_heads', [
      [`UPDATE chain_heads SET pruned_seq = 2, pruned_hash = $1 WHERE chain_id = $2 AND log = 'token_issuances'`, [hash, tenant.id]],
    ]);
    expect((await verify(tenant.id)).body).toEqual({ intact: true, chains: 2, rows: TOKENS_PER_TENANT - 2 + CHANGES_PER_TENANT });

    await tamper('token_issuances', [
      [
        `INSERT INTO token_issuances (id, tenant_id, actor_kind, issued_at, outcome, chain_id, chain_seq, chain_prev, chain_hash)
         SELECT gen_random_uuid(), tenant_id, actor_kind, issued_at, outcome, chain_id, 2, chain_prev, chain_hash
           FROM token_issuances WHERE ${rowAt(tenant.id, 3)}`,
        [],
      ],
    ]);
    const [{ id }] = await database.query<{ id: string }>(`SELECT id FROM token_issuances WHERE ${rowAt(tenant.id, 2)}`);
    expect((await verify(tenant.id)).body).toMatchObject({
      intact: false,
      broken: { log: 'token_issuances', tenantId: tenant.id, seq: '2', rowId: id, problem: 'row_outside_chain' },
    });
  });

  it('lets a tenant verify its own chains, and only its own', async () => {
    const tenant = await tenantWithHistory();
    const other = await tenantWithHistory();
    const verifyAs = (key: string) => ctx.t.http.get('/v1/audit/verify').set(bearer(key)).expect(200);
    const own = () => verifyAs(tenant.key);
    const startedAt = ctx.clock.now().toISOString();
    expect((await own()).body).toEqual({ intact: true, chains: 2, rows: TOKENS_PER_TENANT + CHANGES_PER_TENANT, verifiedAt: startedAt });
    await tamper('token_issuances', [[`UPDATE token_issuances SET identity = 'mallory' WHERE ${rowAt(other.id, 2)}`, []]]);
    // In the same minute, the other tenant gets a walk of its own, not this one's answer.
    expect((await verifyAs(other.key)).body).toMatchObject({ intact: false, broken: { tenantId: other.id, seq: '2' } });

    await tamper('token_issuances', [[`UPDATE token_issuances SET identity = 'mallory' WHERE ${rowAt(tenant.id, 4)}`, []]]);
    // A walk answers for a minute, with the time it was made: the break shows on the first ask after that.
    ctx.clock.advance(30_000);
    expect((await own()).body).toMatchObject({ intact: true, verifiedAt: startedAt });
    ctx.clock.advance(30_000);
    const walks = jest.spyOn(ctx.t.app.get(ChainVerifierService), 'verify');
    try {
      const [first, second] = await Promise.all([own(), own()]);
      expect(walks).toHaveBeenCalledTimes(1);
      for (const answer of [first, second]) {
        expect(answer.body).toMatchObject({
          intact: false,
          verifiedAt: ctx.clock.now().toISOString(),
          broken: { log: 'token_issuances', tenantId: tenant.id, seq: '4', problem: 'row_altered' },
        });
      }
    } finally {
      walks.mockRestore();
    }
  });

  it("does not keep a tenant's walk that failed as its answer", async () => {
    const tenant = await tenantWithHistory();
    const verifier = ctx.t.app.get(ChainVerifierService);
    const failing = jest.spyOn(verifier, 'verify').mockRejectedValueOnce(commonErrors.database_unavailable());
    try {
      const refused = await ctx.t.http.get('/v1/audit/verify').set(bearer(tenant.key)).expect(503);
      expect(refused.body.error.code).toBe('database_unavailable');
      const walked = await ctx.t.http.get('/v1/audit/verify').set(bearer(tenant.key)).expect(200);
      expect(walked.body.intact).toBe(true);
      expect(failing).toHaveBeenCalledTimes(2);
    } finally {
      failing.mockRestore();
    }
  });

  it("catches an edited audit event in the tenant's audit chain", async () => {
    const tenant = await tenantWithHistory();
    await tamper('audit_events', [
      [`UPDATE audit_events SET action = 'nothing.happened' WHERE chain_id = '${tenant.id}' AND chain_seq = 1`, []],
    ]);
    const result = await verify(tenant.id);
    expect(result.body.broken).toMatchObject({ log: 'audit_events', tenantId: tenant.id, seq: '1', problem: 'row_altered' });
  });

  it('catches a head rewritten to match a shortened chain, and a row moved into a chain of its own', async () => {
    const tenant = await tenantWithHistory();
    await tamper('chain_heads', [
      [`UPDATE chain_heads SET hash = $1 WHERE chain_id = $2 AND log = 'token_issuances'`, ['f'.repeat(64), tenant.id]],
    ]);
    expect((await verify(tenant.id)).body.broken).toMatchObject({ log: 'token_issuances', problem: 'tail_missing' });
    const other = await tenantWithHistory();
    await tamper('token_issuances', [[`UPDATE token_issuances SET chain_id = gen_random_uuid() WHERE ${rowAt(other.id, 6)}`, []]]);
    expect((await verify()).body).toMatchObject({ intact: false });
  });

  it('verifies while tokens are being issued: rows committed meanwhile are not taken for tampering', async () => {
    const tenant = await tenantWithHistory();
    const endpointId = (await ctx.t.prisma.endpoint.findFirstOrThrow({ where: { tenantId: tenant.id } })).id;
    const minting = Promise.all(
      Array.from({ length: 40 }, () => ctx.t.http.post('/v1/tokens').set(bearer(tenant.key)).send({ endpointId }).expect(201)),
    );
    const verifications = await Promise.all(Array.from({ length: 5 }, () => verify(tenant.id)));
    await minting;
    expect(verifications.map((result) => result.body.intact)).toEqual(Array(5).fill(true));
  });

  // The embedded database runs one statement at a time: there the token log writes its rows one by one, never mixed.
  if (kind === 'postgresql') {
    it("links each row of a batch mixing tenants into its own tenant's chain, whichever chain heads are already known", async () => {
      // Each tenant's history was written by this process: both chain heads are known to its token log.
      const tenants = [await tenantWithHistory(), await tenantWithHistory()];
      const ids = tenants.map((tenant) => tenant.id).sort();
      const endpointIds = await Promise.all(
        tenants.map(async (tenant) => (await ctx.t.prisma.endpoint.findFirstOrThrow({ where: { tenantId: tenant.id } })).id),
      );
      const issue = (index: number) =>
        ctx.t.http.post('/v1/tokens').set(bearer(tenants[index].key)).send({ endpointId: endpointIds[index] });
      // A batch is one transaction: rows of both tenants with one xmin were written together.
      const mixedBatches = async () =>
        (
          await database.query<{ count: number }>(
            `SELECT count(*)::int AS count FROM (SELECT xmin::text FROM token_issuances WHERE tenant_id = ANY($1::uuid[])
               GROUP BY xmin::text HAVING count(DISTINCT tenant_id) > 1) AS batches`,
            [ids],
          )
        )[0].count;
      // Sent together, the tenants' rows reach the token log while a batch is being written, and go in the next one together.
      const BURST = 20;
      let rounds = 0;
      while (rounds < 10 && (await mixedBatches()) === 0) {
        const responses = await Promise.all(Array.from({ length: BURST }, (_, index) => issue(index % 2)));
        expect(responses.map((response) => response.status)).toEqual(Array(BURST).fill(201));
        rounds += 1;
      }
      expect(await mixedBatches()).toBeGreaterThan(0);

      const placed = await database.query<{ tenant_id: string; chain_id: string; seqs: string }>(
        `SELECT tenant_id::text, chain_id::text, string_agg(chain_seq::text, ',' ORDER BY chain_seq) AS seqs FROM token_issuances
          WHERE tenant_id = ANY($1::uuid[]) OR chain_id = ANY($1::uuid[]) GROUP BY tenant_id, chain_id ORDER BY tenant_id`,
        [ids],
      );
      const perTenant = TOKENS_PER_TENANT + (rounds * BURST) / 2;
      const seqs = Array.from({ length: perTenant }, (_, index) => index + 1).join(',');
      expect(placed).toEqual(ids.map((id) => ({ tenant_id: id, chain_id: id, seqs })));
      for (const tenant of tenants) {
        expect((await verify(tenant.id)).body).toEqual({ intact: true, chains: 2, rows: perTenant + CHANGES_PER_TENANT });
      }
    });
  }

  // The service's own role may not even try on PostgreSQL (database-roles.e2e-spec.ts); the triggers refuse the owner too.
  it("refuses to UPDATE, DELETE or TRUNCATE audit rows or their chain heads, even to the tables' owner", async () => {
    await tenantWithHistory();
    for (const sql of ['UPDATE token_issuances SET identity = NULL', 'DELETE FROM audit_events', 'TRUNCATE token_issuances']) {
      await expect(database.query(sql)).rejects.toThrow(/append-only/);
    }
    // Nor remove a chain's head (that would hide the chain from verification), move it back, or add a row before a chain's start.
    const guarded = [
      'DELETE FROM chain_heads',
      'UPDATE chain_heads SET seq = 0',
      'TRUNCATE chain_heads',
      `INSERT INTO token_issuances (id, actor_kind, issued_at, outcome, chain_id, chain_seq) VALUES (gen_random_uuid(), 'x', now(), 'issued', gen_random_uuid(), 0)`,
    ];
    for (const sql of guarded) await expect(database.query(sql)).rejects.toThrow(/move forward|append-only|chain_seq_positive/);
  });

  it('writes each moved chain head to the log once, and lists the heads for admins', async () => {
    const anchor = ctx.t.app.get(ChainAnchorService);
    await anchor.anchor();
    const tenant = await tenantWithHistory();
    const moved = await anchor.anchor();
    expect(moved.filter((head) => head.tenantId === tenant.id).map((head) => [head.log, head.seq])).toEqual([
      ['audit_events', String(CHANGES_PER_TENANT)],
      ['token_issuances', String(TOKENS_PER_TENANT)],
    ]);
    expect(ctx.t.logs.join('')).toContain(`Chain head token_issuances ${tenant.id} #${TOKENS_PER_TENANT} `);
    expect(await anchor.anchor()).toEqual([]);
    const heads = await ctx.t.http.get('/v1/admin/audit/heads').set(bearer(ctx.t.adminKey)).expect(200);
    expect(heads.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ log: 'token_issuances', tenantId: tenant.id, seq: '6' })]),
    );
  });

  if (kind === 'postgresql') {
    it('the CLI behind npm run audit:verify says the same from a terminal: exit 0 when intact, 1 naming the break', async () => {
      const intact = await tenantWithHistory();
      const broken = await tenantWithHistory();
      await tamper('token_issuances', [[`UPDATE token_issuances SET identity = 'mallory' WHERE ${rowAt(broken.id, 2)}`, []]]);
      const env = {
        ...process.env,
        DATABASE_URL: database.url!,
        MIGRATION_DATABASE_URL: database.ownerUrl!,
        ENCRYPTION_KEYS: ctx.t.env.ENCRYPTION_KEYS,
        DATA_DIR: ctx.t.env.DATA_DIR,
      };
      const run = (tenant: string) =>
        promisify(execFile)('node', ['dist/cli/callpass.js', '--json', 'audit', 'verify', '--tenant', tenant], { env });
      const ok = JSON.parse((await run(intact.slug)).stdout) as Record<string, unknown>;
      expect(ok).toEqual({ intact: true, chains: 2, rows: TOKENS_PER_TENANT + CHANGES_PER_TENANT });
      const failure = (await run(broken.id).catch((error: { code: number; stdout: string }) => error)) as { code?: number; stdout: string };
      expect(failure.code).toBe(1);
      expect(JSON.parse(failure.stdout)).toMatchObject({
        intact: false,
        broken: { tenantId: broken.id, seq: '2', problem: 'row_altered' },
      });
    });
  }

  it("catches a row still linked into its tenant's chain but claiming another tenant, its hashes made to match", async () => {
    const tenant = await tenantWithHistory();
    const other = await createTenant(ctx.t);
    const columns = TOKEN_LOG_CONTENT_COLUMNS;
    // Read through the service's own connection, as the verifier reads it, so the values encode the same way.
    const [row] = await ctx.t.app
      .get<DatabaseConnection>(DATABASE_CONNECTION)
      .query<Record<string, unknown> & { id: string; chain_prev: string; chain_hash: string }>(
        `SELECT ${columns.join(', ')}, chain_prev, chain_hash FROM token_issuances WHERE ${rowAt(tenant.id, TOKENS_PER_TENANT)}`,
        [],
      );
    const content = columns.map((column) => row[column]);
    const seq = BigInt(TOKENS_PER_TENANT);
    // The recomputation is the verifier's: the untouched row's own hash comes out.
    expect(linkHash(row.chain_prev, tenant.id, seq, content)).toBe(row.chain_hash);
    const moved = columns.map((column, index) => (column === 'tenant_id' ? other.id : content[index]));
    const hash = linkHash(row.chain_prev, tenant.id, seq, moved);
    await tamper('token_issuances', [
      [`UPDATE token_issuances SET tenant_id = $1, chain_hash = $2 WHERE id = $3`, [other.id, hash, row.id]],
    ]);
    await tamper('chain_heads', [[`UPDATE chain_heads SET hash = $1 WHERE chain_id = $2 AND log = 'token_issuances'`, [hash, tenant.id]]]);
    expect((await verify(tenant.id)).body).toMatchObject({
      intact: false,
      broken: { log: 'token_issuances', tenantId: tenant.id, seq: String(TOKENS_PER_TENANT), rowId: row.id, problem: 'row_outside_chain' },
    });
  });

  it('keeps the chain intact when a request names its tenant by an id in capitals', async () => {
    const tenant = await createTenant(ctx.t);
    const revoker = await ctx.t.http
      .post('/v1/admin/service-keys')
      .set(bearer(ctx.t.adminKey))
      .send({ name: 'revoker', scopes: ['users:revoke'] })
      .expect(201);
    const revoked = await ctx.t.http
      .post(`/v1/internal/tenants/${tenant.id.toUpperCase()}/users/alice/revoke`)
      .set(bearer(revoker.body.key as string));
    expect(revoked.status).toBe(200);
    const [event] = await database.query<{ tenant_id: string; chain_id: string }>(
      `SELECT tenant_id::text, chain_id::text FROM audit_events WHERE action = 'end_user.revoked' AND target_id = 'alice' AND tenant_id = $1`,
      [tenant.id],
    );
    expect(event).toEqual({ tenant_id: tenant.id, chain_id: tenant.id });
    // The tenant, its key and the revocation.
    expect((await verify(tenant.id)).body).toEqual({ intact: true, chains: 1, rows: 3 });
  });
});
