import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, PathItemObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { registeredErrorCodes } from '../common/errors/define-errors';
import { PROVIDER_TITLES } from '../providers/provider-list';
import { ERRORS_EXTENSION } from './api-errors.decorator';

/** Sections of /docs, in the order a newcomer needs them: what people came for first. */
const TAGS: [name: string, description: string][] = [
  ['tokens', 'Mint a browser-calling token for one of your users (tenant key). Start here.'],
  ['client', "Your users' browsers get their own token, with your identity provider's JWT or a Callpass session."],
  ['end users', 'How your users are recognised (identity providers, sessions), and signing a user out (tenant key).'],
  ['provider accounts', `Your ${PROVIDER_TITLES} credentials, stored encrypted (tenant key).`],
  ['endpoints', 'Your users, each bound to a provider account with what their tokens may do (tenant key).'],
  ['audit', 'Every token issued or refused, and every change (tenant key), and the sinks they stream to.'],
  ['api keys', "Your tenant's API keys: issue more, list them (prefixes only), revoke them (tenant key)."],
  ['settings', "Your allowed origins, token lifetimes and rate limits, within your operator's caps (tenant key)."],
  ['public', 'Routes browsers call without a key: click-to-call embeds, locked to your allowed origins.'],
  ['browser library', 'The @callpass/browser library in one file for a `<script>` tag, and its integrity hash (no key).'],
  ['internal', 'Routes for other services (service key with a scope): views, tokens on behalf of a user, revocation.'],
  ['admin', 'Tenants, keys, logs across tenants and encryption-key rotation (admin key).'],
  ['console', 'Signing in to the console (/console) with a tenant or admin key: a session cookie that acts as the key.'],
  ['health', 'Liveness and readiness probes.'],
];

/**
 * Made by `npm run api-docs:generate` from this very code, so it is named by a variable: the generator type-checks
 * the project before the file exists.
 */
const GENERATED_METADATA = '../generated/api-metadata';

const AUTHENTICATION_ERRORS = [
  'authentication_required',
  'api_key_invalid',
  'api_key_revoked',
  'api_key_expired',
  'tenant_suspended',
  'forbidden',
  'rate_limited',
];
/** Admin and tenant routes also take a console session's cookie (docs/console.md); service routes never do. */
const CONSOLE_SESSION_ERRORS = ['console_session_invalid', 'console_session_expired', 'console_session_revoked', 'csrf_token_invalid'];
/** The security scheme of the browser routes (`@ApiBearerAuth(END_USER_AUTH)`). */
export const END_USER_AUTH = 'end-user';

const BODY_ERRORS = ['validation_failed', 'invalid_json', 'json_too_deep', 'payload_too_large', 'unsupported_media_type'];
const ALWAYS = ['internal_error', 'database_unavailable'];

/** Builds the OpenAPI document from the code (with the metadata `npm run api-docs:generate` made) and serves /docs. */
export async function setUpApiDocs(app: NestFastifyApplication): Promise<OpenAPIObject> {
  await SwaggerModule.loadPluginMetadata(async () =>
    ((await import(GENERATED_METADATA)) as { default: () => Promise<Record<string, unknown>> }).default(),
  );
  const builder = new DocumentBuilder()
    .setTitle('Callpass')
    .setDescription(
      `Short-lived browser-calling tokens for ${PROVIDER_TITLES}, minted from secrets that never reach a browser. ` +
        'Errors always have the shape `{ "error": { "code", "message", "details" } }`; each route lists its codes.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'Callpass API key',
      description:
        'A Callpass API key (not a JWT): `cp_tenant_…` for a tenant backend, `cp_admin_…` for operators, `cp_svc_…` for internal services.',
    })
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: "The IdP's JWT or a Callpass session",
        description: "An end user's credential: a JWT from one of the tenant's identity providers, or a Callpass session (`cp_sess_…`).",
      },
      END_USER_AUTH,
    );
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  document.paths = Object.fromEntries(Object.entries(document.paths).sort(([, a], [, b]) => sectionOf(a) - sectionOf(b)));
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as OperationObject[]) documentErrors(operation);
  }
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  // The JSON at Nest's usual address too (/docs-json, next to /docs-yaml), where tools look for it first.
  SwaggerModule.setup('docs', app, document, { ui: false, raw: ['json'] });
  return document;
}

/** Where a path's section comes in TAGS, so that the document lists paths in that order too. */
function sectionOf(path: PathItemObject): number {
  const [operation] = Object.values(path) as OperationObject[];
  return TAGS.findIndex(([name]) => name === operation?.tags?.[0]);
}

/** Adds every error code the operation may answer, grouped by status, each with its message. */
function documentErrors(operation: OperationObject & { [ERRORS_EXTENSION]?: string[] }): void {
  const own = operation[ERRORS_EXTENSION];
  delete operation[ERRORS_EXTENSION];
  const codes = [
    ...(own ?? []),
    // End-user routes list their own authentication errors.
    ...(operation.security?.some((scheme) => 'bearer' in scheme) ? AUTHENTICATION_ERRORS : []),
    ...(operation.security?.some((scheme) => 'bearer' in scheme) && operation.tags?.[0] !== 'internal' ? CONSOLE_SESSION_ERRORS : []),
    ...(operation.requestBody ? BODY_ERRORS : operation.parameters?.length ? ['validation_failed'] : []),
    ...(operation.parameters?.some((parameter) => 'name' in parameter && parameter.name === 'cursor') ? ['invalid_cursor'] : []),
    ...ALWAYS,
  ];
  const byStatus = new Map<number, [string, string][]>();
  for (const code of new Set(codes)) {
    const spec = registeredErrorCodes().get(code);
    if (!spec) throw new Error(`API docs name an unknown error code: ${code}`);
    const [status, message, other] = spec;
    for (const [answered, text] of [[status, message] as const, ...(other ? [other] : [])]) {
      byStatus.set(answered, [...(byStatus.get(answered) ?? []), [code, text]]);
    }
  }
  for (const [status, entries] of [...byStatus].sort(([a], [b]) => a - b)) {
    operation.responses[status] = errorResponse(entries);
  }
}

/** Descriptions are Markdown, which takes `<key>` in a message for an HTML tag and drops it. */
function escapeMarkdown(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function errorResponse(entries: [code: string, message: string][]): ResponseObject {
  return {
    description: entries.map(([code, message]) => `\`${code}\`: ${escapeMarkdown(message)}`).join('  \n'),
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'details'],
              properties: {
                code: { type: 'string', enum: entries.map(([code]) => code) },
                message: { type: 'string' },
                details: { type: 'object', additionalProperties: true },
              },
            },
          },
        },
        example: { error: { code: entries[0][0], message: entries[0][1], details: {} } },
      },
    },
  };
}
