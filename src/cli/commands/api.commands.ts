import { Command } from 'commander';
import { decodeJwt } from '../../providers/jwt';
import { ApiClient } from '../api-client';
import { CliEnvironment } from '../cli-environment';
import { CliError } from '../cli-error';
import { Output, printRecord, printTable } from '../output';
import { readSecret } from '../prompt';

interface Page<T> {
  data: T[];
}
interface Tenant {
  id: string;
  slug: string;
}

/** A tenant named by id or slug. */
async function tenantId(admin: ApiClient, reference: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(reference)) return reference;
  const [found] = (await admin.call<Page<Tenant>>('GET', `/v1/admin/tenants?slug=${encodeURIComponent(reference)}`)).data;
  if (!found) throw new CliError(`No tenant with slug ${reference}`);
  return found.id;
}

/** `key=value` pairs, repeatable, into an object (values that look like JSON are parsed). */
function pairs(pair: string, collected: Record<string, unknown> = {}): Record<string, unknown> {
  const separator = pair.indexOf('=');
  if (separator < 1) throw new CliError(`expected key=value, got ${pair}`, 2);
  const value = pair.slice(separator + 1);
  let parsed: unknown = value;
  try {
    parsed = JSON.parse(value);
  } catch {
    // a plain string
  }
  return { ...collected, [pair.slice(0, separator)]: parsed };
}

/** Commands that call a running Callpass with an admin key (CALLPASS_ADMIN_KEY) or a tenant key (CALLPASS_TENANT_KEY). */
export function apiCommands(program: Command, output: () => Output, environment: CliEnvironment): void {
  const admin = new ApiClient(environment, 'CALLPASS_ADMIN_KEY');
  const tenant = new ApiClient(environment, 'CALLPASS_TENANT_KEY');
  program
    .command('admin-key')
    .description('admin keys (CALLPASS_ADMIN_KEY)')
    .command('create')
    .description('issue another admin key, shown once')
    .requiredOption('--name <name>', 'a label to tell keys apart')
    .action(async (options: { name: string }) =>
      printRecord(output(), await admin.call('POST', '/v1/admin/admin-keys', { name: options.name })),
    );

  const tenants = program.command('tenants').description('tenants (CALLPASS_ADMIN_KEY)');
  tenants
    .command('create')
    .description('create a tenant')
    .requiredOption('--slug <slug>', 'URL-safe handle, e.g. acme')
    .requiredOption('--name <name>', 'display name')
    .option('--max-ttl <seconds>', 'longest token lifetime the tenant allows', Number)
    .option('--allowed-origin <origin...>', 'web origins allowed to call the browser routes')
    .action(async (options: { slug: string; name: string; maxTtl?: number; allowedOrigin?: string[] }) => {
      const settings = {
        ...(options.maxTtl ? { tokenTtl: { maxSeconds: options.maxTtl } } : {}),
        ...(options.allowedOrigin ? { allowedOrigins: options.allowedOrigin } : {}),
      };
      printRecord(output(), await admin.call('POST', '/v1/admin/tenants', { slug: options.slug, name: options.name, settings }));
    });
  tenants
    .command('list')
    .description('list tenants, newest first')
    .action(async () => {
      const page = await admin.call<Page<Record<string, unknown>>>('GET', '/v1/admin/tenants?limit=100');
      printTable(output(), page.data, ['id', 'slug', 'name', 'status', 'createdAt']);
    });
  for (const [command, status, description] of [
    ['suspend', 'suspended', 'suspend a tenant: every key of it is refused from the next request on'],
    ['activate', 'active', 'reactivate a suspended tenant'],
  ] as const) {
    tenants
      .command(`${command} <tenant>`)
      .description(description)
      .action(async (reference: string) =>
        printRecord(output(), await admin.call('PATCH', `/v1/admin/tenants/${await tenantId(admin, reference)}`, { status })),
      );
  }

  const tenantKeys = program.command('tenant-key').description("a tenant's API keys (CALLPASS_ADMIN_KEY)");
  tenantKeys
    .command('create <tenant>')
    .description('issue a tenant API key, shown once')
    .requiredOption('--name <name>', 'a label, e.g. "production backend"')
    .action(async (reference: string, options: { name: string }) =>
      printRecord(
        output(),
        await admin.call('POST', `/v1/admin/tenants/${await tenantId(admin, reference)}/api-keys`, { name: options.name }),
      ),
    );
  tenantKeys
    .command('revoke <tenant> <keyId>')
    .description('revoke a tenant API key; its next request is refused')
    .action(async (reference: string, keyId: string) =>
      printRecord(
        output(),
        await admin.call('DELETE', `/v1/admin/tenants/${await tenantId(admin, reference)}/api-keys/${encodeURIComponent(keyId)}`),
      ),
    );

  program
    .command('accounts')
    .description('provider accounts (CALLPASS_TENANT_KEY)')
    .command('create')
    .description(
      'store a provider account; the secrets (a JSON object) are read from stdin or a hidden prompt, never from the command line',
    )
    .requiredOption('--provider <provider>', "the provider's name, e.g. twilio (a refusal lists the others)")
    .requiredOption('--name <name>', 'a name unique within the tenant')
    .option('--config <key=value>', 'a config setting (repeatable)', pairs, {})
    .option('--base-url <url>', "the provider API's host, when not the provider's own")
    .action(async (options: { provider: string; name: string; config: Record<string, unknown>; baseUrl?: string }) => {
      const answer = await readSecret('Secrets as JSON (not shown), e.g. {"apiKeySecret":"…"}: ');
      let secrets: unknown;
      try {
        secrets = JSON.parse(answer);
      } catch {
        throw new CliError('the secrets must be a JSON object', 2);
      }
      const body = { provider: options.provider, name: options.name, config: options.config, secrets, baseUrl: options.baseUrl };
      printRecord(output(), await tenant.call('POST', '/v1/provider-accounts', body));
    });

  program
    .command('endpoints')
    .description('endpoints: your users on a provider account (CALLPASS_TENANT_KEY)')
    .command('create')
    .description("bind a user to a provider account with what the user's tokens may do")
    .requiredOption('--account <id>', 'provider account id')
    .requiredOption('--user <userId>', 'your own id for the user')
    .option('--identity <identity>', 'the name the provider knows the user by (default: the user id)')
    .option('--capabilities <list>', 'incoming, outgoing, or both', 'incoming,outgoing')
    .option('--provision', 'also create the user at the provider (Plivo)')
    .option('--option <key=value>', 'a provider option, e.g. allowedAddresses=["…"] (repeatable)', pairs)
    .action(
      async (options: {
        account: string;
        user: string;
        identity?: string;
        capabilities: string;
        provision?: boolean;
        option?: Record<string, unknown>;
      }) => {
        const body = {
          providerAccountId: options.account,
          userId: options.user,
          identity: options.identity,
          capabilities: options.capabilities.split(',').filter(Boolean),
          provision: options.provision,
          providerOptions: options.option,
        };
        printRecord(output(), await tenant.call('POST', '/v1/endpoints', body));
      },
    );

  program
    .command('token')
    .description('mint a token for an endpoint (CALLPASS_TENANT_KEY) and print it with its decoded claims')
    .requiredOption('--endpoint <id>', 'endpoint id')
    .option('--kind <kind>', 'token kind, e.g. access_token, capability_token, guest')
    .option('--ttl <seconds>', 'requested lifetime', Number)
    .action(async (options: { endpoint: string; kind?: string; ttl?: number }) => {
      const minted = await tenant.call('POST', '/v1/tokens', { endpointId: options.endpoint, kind: options.kind, ttlSeconds: options.ttl });
      const decoded = typeof minted.token === 'string' ? decodeJwt(minted.token) : undefined;
      printRecord(output(), { ...minted, ...(decoded ? { header: decoded.header, claims: decoded.payload } : {}) });
    });
}
