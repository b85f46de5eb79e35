import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIT_EVENT_CONTENT_COLUMNS } from '../audit/audit-events.repository';
import { DatabaseConnection, SqlRunner } from '../database/database-connection';
import { TOKEN_LOG_CONTENT_COLUMNS } from '../token-log/token-issuance-log';
import { linkHash } from './chain-encoding';
import { ChainVerifierService } from './chain-verifier';

/**
 * docs/operations.md's formula for outside verifiers, written again here without the code under test: SHA-256 (hex) of
 * `<previous hash>\n<tenant id>\n<seq>\n<content>`, content being JSON with no whitespace, keys sorted at every depth,
 * times as ISO-8601 UTC with milliseconds and absent values as null.
 */
function documentedHash(previous: string, chainId: string, seq: string, content: unknown[]): string {
  return createHash('sha256')
    .update(`${previous}\n${chainId}\n${seq}\n${documentedJson(content)}`)
    .digest('hex');
}

function documentedJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(documentedJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, member]) => member !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${documentedJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const GENESIS = '0'.repeat(64);
const CHAIN = '01a24c8a-932b-7749-889b-b1b052aaa9dc';

describe('the chain encoding docs/operations.md documents (known answers)', () => {
  // Fixed rows and the hashes they must have (computed apart, with Python's hashlib), whatever the code: a chain
  // stored today must verify tomorrow.
  const first: unknown[] = [
    '018fdd8a-9d00-75ff-9711-e00040cbcee1',
    CHAIN,
    { outgoing: true, capabilities: ['incoming', 'outgoing'], incoming: true, nested: { z: 'é"\\', a: null, gone: undefined } },
    900,
    new Date(Date.UTC(2024, 5, 3, 10, 0, 0)),
    undefined,
    'issued',
  ];
  const second: unknown[] = [
    '018fdd8a-a1d2-7989-9edd-6786c5d83fc6',
    null,
    {},
    [],
    new Date(Date.UTC(2024, 5, 3, 10, 0, 1, 234)),
    'refused',
  ];
  const FIRST_CONTENT =
    '["018fdd8a-9d00-75ff-9711-e00040cbcee1","01a24c8a-932b-7749-889b-b1b052aaa9dc",' +
    '{"capabilities":["incoming","outgoing"],"incoming":true,"nested":{"a":null,"z":"é\\"\\\\"},"outgoing":true},' +
    '900,"2024-06-03T10:00:00.000Z",null,"issued"]';
  const SECOND_CONTENT = '["018fdd8a-a1d2-7989-9edd-6786c5d83fc6",null,{},[],"2024-06-03T10:00:01.234Z","refused"]';
  const FIRST_HASH = 'd120e1bce43b2f1634557a70ea8db64a1b2d31389781c70d7ce46c07b83ec2c6';
  const SECOND_HASH = 'b841f4198b575b2748390ba2da8d56b8fc3f6a4a18c1988199a1b46f2c0d546d';

  it('writes the documented content and hashes it the documented way', () => {
    expect(documentedJson(first)).toBe(FIRST_CONTENT);
    expect(documentedJson(second)).toBe(SECOND_CONTENT);
    const firstHash = createHash('sha256').update(`${GENESIS}\n${CHAIN}\n1\n${FIRST_CONTENT}`).digest('hex');
    const secondHash = createHash('sha256').update(`${firstHash}\n${CHAIN}\n2\n${SECOND_CONTENT}`).digest('hex');
    expect([firstHash, secondHash]).toEqual([FIRST_HASH, SECOND_HASH]);
    expect(linkHash(GENESIS, CHAIN, 1n, first)).toBe(FIRST_HASH);
    expect(linkHash(FIRST_HASH, CHAIN, 2n, second)).toBe(SECOND_HASH);
  });
});

interface Fixture {
  heads: { log: string; chain_id: string; seq: string; hash: string; pruned_seq: string; pruned_hash: string }[];
  token_issuances: Record<string, unknown>[];
  audit_events: Record<string, unknown>[];
}

const TIMESTAMP_COLUMNS = ['issued_at', 'expires_at', 'occurred_at'];
const CONTENT_COLUMNS = { token_issuances: TOKEN_LOG_CONTENT_COLUMNS, audit_events: AUDIT_EVENT_CONTENT_COLUMNS };

/** The fixture's rows as the driver returns them: timestamps as Dates, JSON columns as objects. */
function loadFixture(): Fixture {
  const text = fs.readFileSync(path.join(__dirname, '../../test/fixtures/audit-chain-rows.json'), 'utf8');
  return JSON.parse(text, (key, value: unknown) =>
    TIMESTAMP_COLUMNS.includes(key) && typeof value === 'string' ? new Date(value) : value,
  );
}

/** Answers the verifier's statements from the fixture (one tenant, nothing outside its chains). */
function fixtureDatabase(fixture: Fixture): DatabaseConnection {
  const run = (sql: string, params: unknown[]): Promise<unknown[]> => {
    if (/FROM chain_heads/.test(sql)) return Promise.resolve(fixture.heads.filter((head) => !params[0] || head.chain_id === params[0]));
    const page = /FROM (token_issuances|audit_events)\s+WHERE chain_id = \$1 AND chain_seq >= \$2/.exec(sql);
    if (page) {
      const [chainId, from, to] = params as [string, string, string];
      return Promise.resolve(
        fixture[page[1] as 'token_issuances' | 'audit_events']
          .filter(
            (row) =>
              row.chain_id === chainId && BigInt(row.chain_seq as string) >= BigInt(from) && BigInt(row.chain_seq as string) <= BigInt(to),
          )
          .map((row) => ({ ...row, position: row.chain_seq })),
      );
    }
    if (/LEFT JOIN chain_heads|chain_id IS NULL/.test(sql)) return Promise.resolve([]);
    throw new Error(`the fixture database does not answer: ${sql}`);
  };
  return { transaction: (work: (run: SqlRunner) => Promise<unknown>) => work(run as SqlRunner) } as unknown as DatabaseConnection;
}

describe('rows written by earlier code (fixture)', () => {
  it('verifies intact', async () => {
    const fixture = loadFixture();
    const result = await new ChainVerifierService(fixtureDatabase(fixture)).verify(CHAIN);
    expect(result).toEqual({ intact: true, chains: 2, rows: fixture.token_issuances.length + fixture.audit_events.length });
  });

  it('hashes each row as docs/operations.md documents', () => {
    const fixture = loadFixture();
    for (const log of ['token_issuances', 'audit_events'] as const) {
      let previous = GENESIS;
      for (const row of fixture[log]) {
        const content = CONTENT_COLUMNS[log].map((column) => row[column]);
        expect(row.chain_prev).toBe(previous);
        expect(documentedHash(previous, row.chain_id as string, row.chain_seq as string, content)).toBe(row.chain_hash);
        previous = row.chain_hash as string;
      }
      expect(fixture.heads.find((head) => head.log === log)?.hash).toBe(previous);
    }
  });

  it('still catches an edited row in it (the fixture database feeds the real check)', async () => {
    const fixture = loadFixture();
    (fixture.token_issuances[1].grants as Record<string, unknown>).outgoing = true;
    const result = await new ChainVerifierService(fixtureDatabase(fixture)).verify(CHAIN);
    expect(result).toMatchObject({ intact: false, broken: { log: 'token_issuances', seq: '2', problem: 'row_altered' } });
  });
});
