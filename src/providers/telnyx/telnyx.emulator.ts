import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { EmulatorReply, EmulatorRequest, EmulatorServer } from '../emulator/emulator-server';
import { fake } from '../emulator/fake-values';
import { decodeJwt } from '../jwt';

export type ConnectionType = 'credential' | 'ip' | 'fqdn';

export interface TelnyxEmulatorAccount {
  userId: string;
  /** The account's connections: telephony credentials can be created on credential connections only. */
  connections: Map<string, ConnectionType>;
}

export interface EmulatedCredential {
  owner: TelnyxEmulatorAccount;
  id: string;
  connectionId: string;
  name: string;
  tag?: string;
  sipUsername: string;
  sipPassword: string;
  createdAt: Date;
  updatedAt: Date;
  expiresAt?: Date;
}

type CredentialChanges = Partial<Pick<EmulatedCredential, 'connectionId' | 'name' | 'tag' | 'expiresAt'>>;
type ApiHandler = (request: EmulatorRequest, params: Record<string, string>, account: TelnyxEmulatorAccount) => EmulatorReply;

const MAX_CREDENTIALS_PER_TAG = 1000;
const TOKEN_AUDIENCE_AND_ISSUER = 'telnyx_telephony';
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 250;
/** ISO 8601 with or without a fraction and a zone (§2: the docs omit the zone, the spec has millis and Z). */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Telnyx's telephony-credential API (telnyx.md §11): Bearer API keys per account, credentials on credential
 * connections, text/plain HS512 login tokens, GET/PATCH/DELETE and a filtered, paged list, Telnyx's error envelope
 * (object-shaped for an expired credential) and x-ratelimit-* headers on every answer. Undocumented behaviour is a switch.
 */
export class TelnyxEmulator extends EmulatorServer {
  /** Accounts by API key. */
  readonly accounts = new Map<string, TelnyxEmulatorAccount>();
  readonly credentials = new Map<string, EmulatedCredential>();
  /** A token's lifetime unless its credential expires sooner: 24 h per the docs (§4); the spec's example has 28 days. */
  tokenTtlSeconds = 86_400;
  /** How far Telnyx's clock runs ahead of `now` (negative: behind). */
  clockSkewSeconds = 0;
  /** What a token request or PATCH for an expired credential answers (undocumented, §3, §6). */
  expiredCredentialStatus = 422;
  /** Calls per API key and minute before 429 (Telnyx publishes no numbers, §7). */
  requestsPerMinute = 600;
  /** While set, every call answers 429. */
  rateLimited = false;
  private readonly signingKey = randomBytes(32);
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => Date = () => new Date()) {
    super('telnyx');
    const credentials = '/v2/telephony_credentials';
    this.api('POST', credentials, (request, _params, account) => this.create(request, account));
    this.api('GET', credentials, (request, _params, account) => this.list(request, account));
    this.api('GET', `${credentials}/:id`, (_request, params, account) =>
      this.withCredential(account, params.id, (credential) => ({ status: 200, body: { data: this.view(credential) } })),
    );
    this.api('PATCH', `${credentials}/:id`, (request, params, account) =>
      this.withCredential(account, params.id, (credential) => this.update(request, credential)),
    );
    this.api('DELETE', `${credentials}/:id`, (_request, params, account) =>
      this.withCredential(account, params.id, (credential) => {
        this.credentials.delete(credential.id);
        return { status: 200, body: { data: this.view(credential) } };
      }),
    );
    this.api('POST', `${credentials}/:id/token`, (_request, params, account) =>
      this.withCredential(account, params.id, (credential) => this.token(credential)),
    );
  }

  /** An account reachable with `apiKey`, with these credential connections. */
  addAccount(apiKey: string, credentialConnectionIds: string[] = []): TelnyxEmulatorAccount {
    const account = { userId: randomUUID(), connections: new Map(credentialConnectionIds.map((id) => [id, 'credential' as const])) };
    this.accounts.set(apiKey, account);
    return account;
  }

  /** Why Telnyx would refuse `token` at login (§11.7: signature, nbf/exp, credential alive), or undefined. */
  loginProblem(token: string): string | undefined {
    const [header = '', payload = '', signature] = token.split('.');
    if (signature !== this.sign(`${header}.${payload}`)) return 'signature';
    const claims = decodeJwt(token)!.payload as { nbf: number; exp: number; sub: string };
    const now = this.telnyxNow().getTime() / 1000;
    if (now < claims.nbf) return 'not yet valid';
    if (now >= claims.exp) return 'expired';
    const credential = this.credentials.get(claims.sub);
    if (!credential) return 'credential deleted';
    return this.expired(credential) ? 'credential expired' : undefined;
  }

  /** A route that authenticates the API key and counts the call against the rate limit. */
  private api(method: string, path: string, handle: ApiHandler): void {
    this.route(method, path, (request, params) => {
      const account = request.bearer === undefined ? undefined : this.accounts.get(request.bearer);
      return this.limited(account ? request.bearer! : '', () =>
        account
          ? handle(request, params, account)
          : envelope(401, '10009', 'Authentication failed', 'The API key is missing or not valid.'),
      );
    });
  }

  /** Counts a call in its key's one-minute window and adds x-ratelimit-* (§7); over the limit, or while `rateLimited`: 429. */
  private limited(key: string, reply: () => EmulatorReply): EmulatorReply {
    const nowMs = this.telnyxNow().getTime();
    const start = nowMs - (nowMs % 60_000);
    const window = this.windows.get(key)?.start === start ? this.windows.get(key)! : { start, count: 0 };
    window.count += 1;
    this.windows.set(key, window);
    const answer =
      this.rateLimited || window.count > this.requestsPerMinute
        ? envelope(429, '10011', 'Too many requests', 'Too many requests; retry once the rate limit resets.')
        : reply();
    return {
      ...answer,
      headers: {
        ...answer.headers,
        'x-ratelimit-limit': String(this.requestsPerMinute),
        'x-ratelimit-remaining': String(Math.max(0, this.requestsPerMinute - window.count)),
        'x-ratelimit-reset': String(Math.ceil((start + 60_000 - nowMs) / 1000)),
      },
    };
  }

  private create(request: EmulatorRequest, account: TelnyxEmulatorAccount): EmulatorReply {
    const changes = this.changes(request, account, undefined);
    if ('status' in changes) return changes;
    const now = this.telnyxNow();
    const credential: EmulatedCredential = {
      owner: account,
      id: randomUUID(),
      connectionId: changes.connectionId!,
      // Telnyx's example default name looks like a timestamp.
      name: changes.name ?? now.toISOString(),
      tag: changes.tag,
      sipUsername: `gencred${fake.alnum(22)}`,
      sipPassword: fake.hex(32),
      createdAt: now,
      updatedAt: now,
      expiresAt: changes.expiresAt,
    };
    this.credentials.set(credential.id, credential);
    return { status: 201, body: { data: this.view(credential) } };
  }

  private update(request: EmulatorRequest, credential: EmulatedCredential): EmulatorReply {
    if (this.expired(credential)) return this.expiredAnswer('update');
    const changes = this.changes(request, credential.owner, credential);
    if ('status' in changes) return changes;
    credential.connectionId = changes.connectionId ?? credential.connectionId;
    credential.name = changes.name ?? credential.name;
    credential.tag = changes.tag ?? credential.tag;
    credential.expiresAt = changes.expiresAt ?? credential.expiresAt;
    credential.updatedAt = this.telnyxNow();
    return { status: 200, body: { data: this.view(credential) } };
  }

  /** The fields of a create (`current` undefined) or PATCH body (§2, §6), or the error Telnyx answers. */
  private changes(
    request: EmulatorRequest,
    account: TelnyxEmulatorAccount,
    current: EmulatedCredential | undefined,
  ): CredentialChanges | EmulatorReply {
    const { body } = request;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return envelope(400, '10015', 'Bad request', 'The body must be a JSON object.');
    }
    const { connection_id: connectionId, name, tag, expires_at: expiresAt } = body as Record<string, unknown>;
    if (!current && (connectionId === undefined || connectionId === null || connectionId === '')) {
      return envelope(422, '10004', 'Missing required parameter', 'connection_id is required.', '/connection_id');
    }
    if (connectionId !== undefined && (typeof connectionId !== 'string' || account.connections.get(connectionId) !== 'credential')) {
      return envelope(422, '10015', 'Bad request', 'connection_id must be a credential connection of this account.', '/connection_id');
    }
    if (name !== undefined && typeof name !== 'string') return envelope(422, '10015', 'Bad request', 'name must be a string.', '/name');
    if (tag !== undefined && typeof tag !== 'string') return envelope(422, '10015', 'Bad request', 'tag must be a string.', '/tag');
    const expiry = expiresAt === undefined ? undefined : parseTimestamp(expiresAt);
    if (expiry === null) return envelope(422, '10015', 'Bad request', 'expires_at must be an ISO 8601 date-time.', '/expires_at');
    if (tag !== undefined && this.tagged(account, tag, current) >= MAX_CREDENTIALS_PER_TAG) {
      return envelope(422, '10015', 'Bad request', `A tag can hold at most ${MAX_CREDENTIALS_PER_TAG} credentials.`, '/tag');
    }
    return { connectionId, name, tag, expiresAt: expiry };
  }

  /** How many of the account's credentials, `current` aside, carry `tag`. */
  private tagged(account: TelnyxEmulatorAccount, tag: string, current: EmulatedCredential | undefined): number {
    return [...this.credentials.values()].filter((other) => other.owner === account && other !== current && other.tag === tag).length;
  }

  private list(request: EmulatorRequest, account: TelnyxEmulatorAccount): EmulatorReply {
    const { query } = request;
    const number = pageParameter(query.get('page[number]'), 1, Number.MAX_SAFE_INTEGER);
    const size = pageParameter(query.get('page[size]'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    if (number === undefined || size === undefined) {
      return envelope(
        400,
        '10015',
        'Bad request',
        `page[number] and page[size] are positive integers; page[size] at most ${MAX_PAGE_SIZE}.`,
      );
    }
    const filters: [string, (credential: EmulatedCredential) => string | undefined][] = [
      ['tag', (credential) => credential.tag],
      ['name', (credential) => credential.name],
      ['status', (credential) => (this.expired(credential) ? 'expired' : 'active')],
      // The connection: prefix is part of the value (§6): a bare connection id matches nothing.
      ['resource_id', (credential) => `connection:${credential.connectionId}`],
      ['sip_username', (credential) => credential.sipUsername],
    ];
    const rows = [...this.credentials.values()].filter(
      (credential) =>
        credential.owner === account &&
        filters.every(([field, value]) => {
          const wanted = query.get(`filter[${field}]`);
          return wanted === null || value(credential) === wanted;
        }),
    );
    return {
      status: 200,
      body: {
        data: rows.slice((number - 1) * size, number * size).map((credential) => this.view(credential)),
        meta: { page_number: number, page_size: size, total_pages: Math.ceil(rows.length / size), total_results: rows.length },
      },
    };
  }

  /** 201 with the bare JWT as text/plain (§3, §4): HS512, a new jti each time, nbf = iat − 1, exp capped by the credential's expiry. */
  private token(credential: EmulatedCredential): EmulatorReply {
    if (this.expired(credential)) return this.expiredAnswer('create tokens for');
    const iat = Math.floor(this.telnyxNow().getTime() / 1000);
    const credentialEnd = credential.expiresAt ? Math.floor(credential.expiresAt.getTime() / 1000) : Infinity;
    const header = encode({ alg: 'HS512', typ: 'JWT' });
    const payload = encode({
      aud: TOKEN_AUDIENCE_AND_ISSUER,
      exp: Math.min(iat + this.tokenTtlSeconds, credentialEnd),
      iat,
      iss: TOKEN_AUDIENCE_AND_ISSUER,
      jti: randomUUID(),
      nbf: iat - 1,
      // Which object `sub` names is unconfirmed (§4); here, the credential.
      sub: credential.id,
      tel_token: randomBytes(48).toString('base64'),
      typ: 'access',
    });
    return {
      status: 201,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      text: `${header}.${payload}.${this.sign(`${header}.${payload}`)}`,
    };
  }

  /** Every field of §2. */
  private view(credential: EmulatedCredential): Record<string, unknown> {
    return {
      id: credential.id,
      record_type: 'credential',
      name: credential.name,
      resource_id: `connection:${credential.connectionId}`,
      expired: this.expired(credential),
      sip_username: credential.sipUsername,
      sip_password: credential.sipPassword,
      created_at: credential.createdAt.toISOString(),
      updated_at: credential.updatedAt.toISOString(),
      expires_at: credential.expiresAt?.toISOString() ?? null,
      user_id: credential.owner.userId,
    };
  }

  /** Another account's credential is as unknown as a deleted one. */
  private withCredential(
    account: TelnyxEmulatorAccount,
    id: string,
    handle: (credential: EmulatedCredential) => EmulatorReply,
  ): EmulatorReply {
    const credential = this.credentials.get(id);
    return credential?.owner === account
      ? handle(credential)
      : envelope(404, '10005', 'Resource not found', 'The requested resource or URL could not be found.');
  }

  /** Expiry is terminal (§6), and this answer's `errors` is an object, not a list. */
  private expiredAnswer(action: string): EmulatorReply {
    return { status: this.expiredCredentialStatus, body: { errors: { status: `can't ${action} credentials in expired status` } } };
  }

  private expired(credential: EmulatedCredential): boolean {
    return credential.expiresAt !== undefined && credential.expiresAt <= this.telnyxNow();
  }

  private telnyxNow(): Date {
    return new Date(this.now().getTime() + this.clockSkewSeconds * 1000);
  }

  private sign(input: string): string {
    return createHmac('sha512', this.signingKey).update(input).digest('base64url');
  }
}

/** Telnyx's error envelope (§7): a list of errors with a string code, a docs link, and the field when one is at fault. */
function envelope(status: number, code: string, title: string, detail: string, pointer?: string): EmulatorReply {
  const error = { code, title, detail, meta: { url: `https://developers.telnyx.com/docs/overview/errors/${code}` } };
  return { status, body: { errors: [pointer ? { ...error, source: { pointer } } : error] } };
}

/** A timestamp without a zone is UTC. */
function parseTimestamp(value: unknown): Date | null {
  const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  const time = match ? Date.parse(`${match[1]}${match[2] ?? 'Z'}`) : NaN;
  return Number.isNaN(time) ? null : new Date(time);
}

function pageParameter(value: string | null, fallback: number, max: number): number | undefined {
  if (value === null) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : 0;
  return number >= 1 && number <= max ? number : undefined;
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
