import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { formatKeyEntry } from '../../src/crypto/keyring';
import { LATENCY_BOUNDS_MS } from '../../src/overview/latency-histogram';
import { launchBrowser } from '../helpers/browser';
import { freePort, freshDatabase, ready, ROUNDS, start } from './bench-kit';

/**
 * `BENCH_ONLY=console npm run bench`: the console's overview in Debian's Chromium, with a tenant whose token log holds
 * BENCH_CONSOLE_ROWS (1,000,000) rows spread over the last week, and their rollups as the hot path keeps them. For
 * each range, the time from asking for the page (or clicking the range) to its chart being drawn; medians of
 * BENCH_ROUNDS. Callpass runs built, in production mode, on PostgreSQL.
 */
const DATABASE = 'callpass_bench_console';
const ROWS = Number(process.env.BENCH_CONSOLE_ROWS ?? 1_000_000);
const WEEK_SECONDS = 7 * 24 * 3600;

async function main() {
  const databaseUrl = await freshDatabase(DATABASE);
  const adminKey = generateApiKey('admin').key;
  const port = await freePort();
  const service = start(process.execPath, ['dist/main.js'], {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    ENCRYPTION_KEYS: formatKeyEntry('bench', randomBytes(32)),
    BOOTSTRAP_ADMIN_KEY: adminKey,
  });
  const browser = await launchBrowser();
  try {
    const url = `http://127.0.0.1:${port}`;
    await ready(`${url}/health/ready`);
    const { tenantId, tenantKey } = await seedTenant(url, adminKey);
    const seeded = await fillTokenLog(databaseUrl, tenantId);

    const page = await browser.newPage();
    await page.goto(`${url}/console`);
    await page.getByLabel('Tenant or admin key').fill(tenantKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();

    // Each range's chart is told apart by its title, which names its step.
    const ranges = [
      { name: 'page, last hour', title: 'Tokens per minute, by provider and outcome' },
      { name: 'last day', button: 'Last day', title: 'Tokens per 15 minutes, by provider and outcome' },
      { name: 'last week', button: 'Last week', title: 'Tokens per hour, by provider and outcome' },
    ];
    const timings = new Map(ranges.map(({ name }) => [name, [] as number[]]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const { name, button, title } of ranges) {
        const started = performance.now();
        if (button) await page.getByRole('button', { name: button }).click();
        else await page.goto(`${url}/console/overview`);
        await page.getByText(title, { exact: true }).waitFor();
        await page.locator('canvas').first().waitFor();
        timings.get(name)!.push(performance.now() - started);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    console.log(
      `\nConsole overview on Node ${process.versions.node}, Chromium, a tenant with ${seeded.rows.toLocaleString('en')} token-log rows ` +
        `over the last week (${seeded.rollups.toLocaleString('en')} rollup rows), medians of ${ROUNDS} rounds:\n`,
    );
    for (const [range, values] of timings) {
      console.log(
        `  ${range.padEnd(16)} ${median(values).toFixed(0).padStart(5)} ms to the chart drawn (${values.map((value) => value.toFixed(0)).join(', ')})`,
      );
    }
  } finally {
    await browser.close();
    service.kill('SIGTERM');
  }
}

async function seedTenant(url: string, adminKey: string): Promise<{ tenantId: string; tenantKey: string }> {
  const call = async (route: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; key: string };
  };
  const tenant = await call('/v1/admin/tenants', { slug: 'console-bench', name: 'Console bench' });
  return { tenantId: tenant.id, tenantKey: (await call(`/v1/admin/tenants/${tenant.id}/api-keys`, { name: 'bench' })).key };
}

/**
 * ROWS token-log rows over the last week (one in 50 refused, two codes; three providers), written straight into the
 * table, and the rollups the hot path would have kept for them (counts per minute, a latency histogram scaled to
 * each count).
 */
async function fillTokenLog(databaseUrl: string, tenantId: string): Promise<{ rows: number; rollups: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO token_issuances (id, tenant_id, actor_kind, provider, issued_at, outcome, error_code)
       SELECT gen_random_uuid(), $1, 'tenant_key', (ARRAY['twilio', 'plivo', 'telnyx'])[1 + i % 3],
              now() - make_interval(secs => $3::double precision * i / $2),
              (CASE WHEN i % 50 = 0 THEN 'refused' ELSE 'issued' END)::"IssuanceOutcome",
              CASE WHEN i % 100 = 0 THEN 'endpoint_disabled' WHEN i % 50 = 0 THEN 'rate_limited' END
         FROM generate_series(1, $2::int) AS i`,
      [tenantId, ROWS, WEEK_SECONDS],
    );
    // Most tokens take 10-25 ms, some 25-50, a few 50-100.
    const shape = LATENCY_BOUNDS_MS.map((_, index) => [0, 0, 70, 25, 5][index] ?? 0).concat(0);
    const { rowCount } = await client.query(
      `INSERT INTO token_rollups (tenant_id, minute, provider, outcome, error_code, count, latency_buckets)
       SELECT t, m, p, o, e, n,
              (SELECT array_agg((n * share / 100)::int ORDER BY position) FROM unnest($2::int[]) WITH ORDINALITY AS s(share, position))
         FROM (SELECT tenant_id AS t, date_trunc('minute', issued_at) AS m, provider AS p, outcome::text AS o,
                      coalesce(error_code, '') AS e, count(*) AS n
                 FROM token_issuances WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4, 5) AS per_minute`,
      [tenantId, shape],
    );
    await client.query('ANALYZE token_issuances; ANALYZE token_rollups');
    return { rows: ROWS, rollups: rowCount ?? 0 };
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
