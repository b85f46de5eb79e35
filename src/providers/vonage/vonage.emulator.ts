import { createPublicKey, KeyObject, randomUUID, verify } from 'node:crypto';
import { EmulatorReply, EmulatorRequest, EmulatorServer } from '../emulator/emulator-server';
import { decodeJwt } from '../jwt';

export type VonageEmulatorRegion = 'us' | 'eu' | 'ap';

export interface VonageEmulatorUser {
  id: string;
  name: string;
  display_name?: string;
  channels?: Record<string, unknown>;
}

interface VonageApplication {
  publicKey: KeyObject;
  region: VonageEmulatorRegion;
  /** Users by id, in creation order. */
  users: Map<string, VonageEmulatorUser>;
}

interface VonageSession {
  applicationId: string;
  userName: string;
  expiresAt: number;
}

export interface VonageVerdict {
  valid: boolean;
  /** The session error code when invalid (`system:error:…`, §6). */
  code?: string;
  detail?: string;
  applicationId?: string;
  sub?: string;
  claims?: Record<string, unknown>;
}

const DOCS = 'https://developer.vonage.com';
const MAX_LIFETIME_SECONDS = 86_400;
/** A token without `exp` is accepted this long after its `iat` (§2). */
const DEFAULT_LIFETIME_SECONDS = 900;
const SESSION_SECONDS = 900;

/**
 * Vonage's side of browser calling (vonage.md §9): it checks tokens as Vonage does, serves the Users API (admin JWT,
 * RFC 7807 problems) and opens Client SDK sessions. POST /v1/verify {token} checks a token alone; POST /v1/sessions
 * {token, session_id?} is `createSession` (the user must exist, the ACL must allow sessions); PUT
 * /v1/sessions/:id {token} is `refreshSession`. Behaviour the docs leave open is a switch in `checks`.
 */
export class VonageEmulator extends EmulatorServer {
  readonly applications = new Map<string, VonageApplication>();
  readonly sessions = new Map<string, VonageSession>();
  checks = {
    /** The duplicate-name status is unconfirmed (§5). */
    duplicateNameStatus: 409 as 400 | 409,
    /** Old SDKs' leftover `ttl` claim got tokens refused (§3). */
    rejectTtlClaim: false,
    /** The docs' sample shows a string `exp` (§8). */
    rejectStringExp: false,
    /** Sessions need the ACL to list the sessions path. */
    sessionsNeedAcl: true,
    /** Every API call answers 429 Rate Limit Hit. */
    rateLimited: false,
  };
  maxOpenSessionsPerUser = 10;
  clockSkewSeconds = 60;

  constructor(private readonly now: () => Date = () => new Date()) {
    super('vonage');
    this.route('POST', '/v1/verify', (request) => {
      const verdict = this.verify(tokenOf(request.body));
      return { status: verdict.valid ? 200 : 401, body: verdict };
    });
    this.route('POST', '/v1/sessions', (request) => this.limited(() => this.createSession(request)));
    this.route('PUT', '/v1/sessions/:id', (request, params) => this.limited(() => this.refreshSession(request, params.id)));
    this.route('POST', '/v1/users', (request) => this.admin(request, (application) => this.createUser(request, application)));
    this.route('GET', '/v1/users', (request) => this.admin(request, (application) => this.listUsers(request, application)));
    this.route('GET', '/v1/users/:id', (request, params) =>
      this.admin(request, (application) => {
        const user = application.users.get(params.id);
        return user ? { status: 200, body: this.present(user, application) } : userNotFound();
      }),
    );
    this.route('DELETE', '/v1/users/:id', (request, params) =>
      this.admin(request, (application) => (application.users.delete(params.id) ? { status: 204 } : userNotFound())),
    );
    // What Vonage's dashboard does when a customer brings a key pair: an application for its public half.
    this.route('POST', '/__emulator/applications', (request) => this.createApplication(request));
  }

  private createApplication(request: EmulatorRequest): EmulatorReply {
    const { publicKey, region } = (request.body ?? {}) as { publicKey?: unknown; region?: VonageEmulatorRegion };
    const applicationId = randomUUID();
    try {
      this.addApplication(applicationId, String(publicKey), region);
    } catch {
      return { status: 400, body: { error: 'publicKey must be a PEM public key' } };
    }
    return { status: 201, body: { applicationId } };
  }

  /** Registers an application by the public half of its key pair (Vonage never sees the private one). */
  addApplication(applicationId: string, publicKeyPem: string, region: VonageEmulatorRegion = 'us'): void {
    const existing = this.applications.get(applicationId);
    this.applications.set(applicationId, {
      publicKey: createPublicKey(publicKeyPem),
      region,
      users: existing?.users ?? new Map<string, VonageEmulatorUser>(),
    });
  }

  /** Adds a user directly, as if made in Vonage's dashboard. */
  addUser(applicationId: string, name: string): VonageEmulatorUser {
    const user = { id: `USR-${randomUUID()}`, name };
    this.applications.get(applicationId)!.users.set(user.id, user);
    return user;
  }

  userNamed(applicationId: string, name: string): VonageEmulatorUser | undefined {
    return [...(this.applications.get(applicationId)?.users.values() ?? [])].find((user) => user.name === name);
  }

  /** The checks of §9.1, in Vonage's session error codes. */
  verify(token: string): VonageVerdict {
    if (!token) return invalid('system:error:missing-token', 'No token');
    const parts = token.split('.');
    const decoded = parts.length === 3 ? decodeJwt(token) : undefined;
    if (!decoded || !isObject(decoded.header) || !isObject(decoded.payload)) return invalid(INVALID, 'Not a JWT');
    const { header, payload: claims } = decoded;
    if (header.alg !== 'RS256') return invalid(INVALID, 'Only RS256 is accepted');
    const applicationId = claims.application_id;
    const application = typeof applicationId === 'string' ? this.applications.get(applicationId) : undefined;
    if (!application) return invalid(INVALID, 'Unknown application_id');
    const signature = Buffer.from(parts[2], 'base64url');
    if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), application.publicKey, signature)) {
      return invalid(INVALID, 'Signature does not match the application key');
    }
    if (typeof claims.jti !== 'string' || claims.jti.length === 0) return invalid(INVALID, 'jti is required');
    if (this.checks.rejectTtlClaim && 'ttl' in claims) return invalid(INVALID, 'Unknown claim ttl');
    const lifetime = this.checkLifetime(claims);
    if (lifetime) return lifetime;
    return { valid: true, applicationId: applicationId as string, sub: typeof claims.sub === 'string' ? claims.sub : undefined, claims };
  }

  private checkLifetime(claims: Record<string, unknown>): VonageVerdict | undefined {
    const now = Math.floor(this.now().getTime() / 1000);
    const { iat } = claims;
    if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) return invalid(INVALID, 'iat must be a number');
    if (typeof iat === 'number' && iat > now + this.clockSkewSeconds) return invalid(INVALID, 'iat is in the future');
    const exp = this.expiry(claims.exp);
    if (exp === null) return invalid(INVALID, 'exp must be an integer');
    if (iat === undefined && exp === undefined) return invalid(INVALID, 'iat or exp is required');
    if (exp !== undefined && exp <= now) return invalid(EXPIRED, 'Token expired');
    if (typeof iat === 'number' && now > iat + (exp === undefined ? DEFAULT_LIFETIME_SECONDS : MAX_LIFETIME_SECONDS)) {
      return invalid(EXPIRED, 'Token expired');
    }
    return undefined;
  }

  /** exp as seconds; undefined when absent, null when unusable. */
  private expiry(value: unknown): number | undefined | null {
    if (value === undefined) return undefined;
    if (typeof value === 'number') return Number.isInteger(value) ? value : null;
    if (typeof value === 'string' && !this.checks.rejectStringExp && /^\d+$/.test(value)) return Number(value);
    return null;
  }

  private createSession(request: EmulatorRequest): EmulatorReply {
    const verdict = this.verify(tokenOf(request.body));
    if (!verdict.valid) return problem(401, 'Unauthorized', verdict.detail!, verdict.code);
    const refusal = this.sessionRefusal(verdict);
    if (refusal) return refusal;
    const applicationId = verdict.applicationId!;
    const userName = verdict.sub!;
    const now = this.now().getTime();
    const resumed = (request.body as { session_id?: unknown }).session_id;
    if (typeof resumed === 'string') {
      const session = this.sessions.get(resumed);
      if (!session || session.expiresAt <= now || session.applicationId !== applicationId || session.userName !== userName) {
        return problem(404, 'Not found.', 'Session does not exist or has expired.', 'session:error:not-found');
      }
      session.expiresAt = now + SESSION_SECONDS * 1000;
      return { status: 200, body: { session_id: resumed } };
    }
    const open = [...this.sessions.values()].filter(
      (session) => session.applicationId === applicationId && session.userName === userName && session.expiresAt > now,
    );
    if (open.length >= this.maxOpenSessionsPerUser) {
      return problem(403, 'Forbidden', 'Too many open sessions for this user.', 'session:error:max-open-sessions');
    }
    const sessionId = randomUUID();
    this.sessions.set(sessionId, { applicationId, userName, expiresAt: now + SESSION_SECONDS * 1000 });
    return { status: 201, body: { session_id: sessionId, user: this.userNamed(applicationId, userName) } };
  }

  /** A new valid token for the same user of the same application keeps the session (§9.2). */
  private refreshSession(request: EmulatorRequest, sessionId: string): EmulatorReply {
    const verdict = this.verify(tokenOf(request.body));
    if (!verdict.valid) return problem(401, 'Unauthorized', verdict.detail!, verdict.code);
    const session = this.sessions.get(sessionId);
    const now = this.now().getTime();
    if (!session || session.expiresAt <= now)
      return problem(404, 'Not found.', 'Session does not exist or has expired.', 'session:error:not-found');
    if (session.applicationId !== verdict.applicationId || session.userName !== verdict.sub) {
      return problem(403, 'Forbidden', 'The token is for another user.', 'system:error:invalid-token');
    }
    session.expiresAt = now + SESSION_SECONDS * 1000;
    return { status: 200, body: { session_id: sessionId } };
  }

  /** Sessions are for an existing user (§7), with an ACL that allows them. */
  private sessionRefusal(verdict: VonageVerdict): EmulatorReply | undefined {
    if (!verdict.sub) return problem(401, 'Unauthorized', 'sub is required to open a session', INVALID);
    if (!this.userNamed(verdict.applicationId!, verdict.sub)) {
      return problem(404, 'Not found.', 'User does not exist, or you do not have access.', 'user:error:not-found');
    }
    const paths = (verdict.claims?.acl as { paths?: Record<string, unknown> } | undefined)?.paths;
    if (this.checks.sessionsNeedAcl && !(paths && typeof paths === 'object' && '/*/sessions/**' in paths)) {
      return problem(403, 'Forbidden', 'The ACL does not allow sessions.', 'internal:auth:authorization_error');
    }
    return undefined;
  }

  private createUser(request: EmulatorRequest, application: VonageApplication): EmulatorReply {
    if (typeof request.body !== 'object' || request.body === null) return badRequest('The body must be a JSON object.');
    const body = request.body as Record<string, unknown>;
    const name = body.name ?? `NAM-${randomUUID()}`;
    if (typeof name !== 'string' || name.length === 0) return badRequest('name must be a non-empty string.');
    if (body.display_name !== undefined && typeof body.display_name !== 'string') return badRequest('display_name must be a string.');
    const channelProblem = channelsProblem(body.channels);
    if (channelProblem) return badRequest(channelProblem);
    if ([...application.users.values()].some((user) => user.name === name)) {
      const status = this.checks.duplicateNameStatus;
      return problem(status, status === 409 ? 'Conflict' : 'Bad Request', 'User name already exists.', 'user:error:duplicate-name');
    }
    const user: VonageEmulatorUser = {
      id: `USR-${randomUUID()}`,
      name,
      ...(typeof body.display_name === 'string' ? { display_name: body.display_name } : {}),
      ...(body.channels ? { channels: body.channels as Record<string, unknown> } : {}),
    };
    application.users.set(user.id, user);
    return { status: 201, body: this.present(user, application) };
  }

  /** `?name=` matches exactly; `page_size` 1-100; the next page's cursor is in `_links.next.href` (§4). */
  private listUsers(request: EmulatorRequest, application: VonageApplication): EmulatorReply {
    const pageSize = Number(request.query.get('page_size') ?? 10);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return badRequest('page_size must be between 1 and 100.');
    const cursor = request.query.get('cursor');
    const offset = cursor === null ? 0 : Number(Buffer.from(cursor, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0) return badRequest('Invalid cursor.');
    const name = request.query.get('name');
    let users = [...application.users.values()].filter((user) => name === null || user.name === name);
    if (request.query.get('order') === 'desc') users = users.reverse();
    const page = users.slice(offset, offset + pageSize);
    const link = (from: number) => {
      const query = new URLSearchParams({ page_size: String(pageSize), ...(name === null ? {} : { name }) });
      if (from > 0) query.set('cursor', Buffer.from(String(from)).toString('base64url'));
      return { href: `${host(application)}/v1/users?${query.toString()}` };
    };
    return {
      status: 200,
      body: {
        page_size: pageSize,
        _embedded: { users: page.map((user) => this.present(user, application)) },
        _links: { self: link(offset), ...(offset + pageSize < users.length ? { next: link(offset + pageSize) } : {}) },
      },
    };
  }

  private present(user: VonageEmulatorUser, application: VonageApplication) {
    return { ...user, properties: { custom_data: {} }, _links: { self: { href: `${host(application)}/v1/users/${user.id}` } } };
  }

  /** The Users API takes an admin JWT: any valid token of the application, `sub` or not (§9.3). */
  private admin(request: EmulatorRequest, handle: (application: VonageApplication) => EmulatorReply): EmulatorReply {
    return this.limited(() => {
      const verdict = this.verify(request.bearer ?? '');
      if (!verdict.valid)
        return problem(401, 'Unauthorized', 'You did not provide correct credentials.', undefined, '/api-errors#unauthorized');
      return handle(this.applications.get(verdict.applicationId!)!);
    });
  }

  private limited(handle: () => EmulatorReply): EmulatorReply {
    if (!this.checks.rateLimited) return handle();
    return problem(429, 'Rate Limit Hit', 'Please wait, then retry your request', undefined, '/api-errors#rate-limit');
  }
}

const INVALID = 'system:error:invalid-token';
const EXPIRED = 'system:error:expired-token';

function invalid(code: string, detail: string): VonageVerdict {
  return { valid: false, code, detail };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tokenOf(body: unknown): string {
  const token = (body as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token : '';
}

/** An RFC 7807 problem (§5); Conversation errors carry their `code` and an anchor of it in `type`. */
function problem(status: number, title: string, detail: string, code?: string, typePath = `/api/conversation#${code}`): EmulatorReply {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: { type: `${DOCS}${typePath}`, title, detail, instance: randomUUID(), ...(code ? { code } : {}) },
  };
}

function badRequest(detail: string): EmulatorReply {
  return problem(400, 'Bad Request', detail, 'http:error:validation-fail');
}

function userNotFound(): EmulatorReply {
  return problem(404, 'Not found.', 'User does not exist, or you do not have access.', 'user:error:not-found');
}

/** The regional host of the application's links (§4). */
function host(application: VonageApplication): string {
  return `https://api-${application.region}-3.vonage.com`;
}

/** The channel shapes §9.3 names: sip/sips URIs, ws/wss URIs with an L16 content type. */
function channelsProblem(channels: unknown): string | undefined {
  if (channels === undefined) return undefined;
  if (typeof channels !== 'object' || channels === null || Array.isArray(channels)) return 'channels must be an object.';
  const { sip, websocket } = channels as { sip?: unknown; websocket?: unknown };
  const entries = (value: unknown) => (Array.isArray(value) ? (value as Record<string, unknown>[]) : value === undefined ? [] : null);
  const sipEntries = entries(sip);
  const socketEntries = entries(websocket);
  if (!sipEntries || sipEntries.some((entry) => typeof entry?.uri !== 'string' || !/^sips?:/.test(entry.uri))) {
    return 'channels.sip[].uri must be a sip: or sips: URI.';
  }
  if (!socketEntries || socketEntries.some((entry) => typeof entry?.uri !== 'string' || !/^wss?:\/\//.test(entry.uri))) {
    return 'channels.websocket[].uri must be a ws:// or wss:// URI.';
  }
  if (socketEntries.some((entry) => !/^audio\/l16;rate=(8000|16000)$/.test(String(entry['content-type'])))) {
    return 'channels.websocket[].content-type must be audio/l16;rate=8000 or audio/l16;rate=16000.';
  }
  return undefined;
}
