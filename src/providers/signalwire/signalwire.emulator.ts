import { randomBytes, randomUUID } from 'node:crypto';
import { EmulatorReply, EmulatorRequest, EmulatorServer } from '../emulator/emulator-server';

interface Project {
  apiToken: string;
  /** Token scopes; a token with none of Voice, Messaging, Fax, Video is refused (403). */
  scopes: string[];
  addresses: Set<string>;
  clickToCallTokens: Set<string>;
  subscribers: Map<string, string>;
}

interface IssuedSat {
  projectId: string;
  subscriberId?: string;
  kind: 'subscriber' | 'guest' | 'invite' | 'embed';
  expiresAt: number;
  fingerprint?: string;
}

interface IssuedRefresh {
  projectId: string;
  subscriberId: string;
  expiresAt: number;
  consumed: boolean;
}

const TWO_HOURS = 7200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * SignalWire's Fabric token API (signalwire.md, "What an emulator must check"): subscriber, guest, invite,
 * embed and refresh calls, with opaque JWE-shaped tokens whose state the emulator keeps. Whether a refresh token
 * is single-use is unconfirmed; `singleUseRefreshTokens` switches it (on by default, the strict reading).
 */
export class SignalwireEmulator extends EmulatorServer {
  readonly projects = new Map<string, Project>();
  readonly sats = new Map<string, IssuedSat>();
  readonly refreshTokens = new Map<string, IssuedRefresh>();
  singleUseRefreshTokens = true;

  constructor(private readonly now: () => Date = () => new Date()) {
    super('signalwire');
    this.route('POST', '/api/fabric/subscribers/tokens/refresh', (request) =>
      this.withProject(request, (projectId) => this.refresh(request, projectId)),
    );
    this.route('POST', '/api/fabric/subscribers/tokens', (request) =>
      this.withProject(request, (projectId, project) => this.subscriberToken(request, projectId, project)),
    );
    this.route('POST', '/api/fabric/guests/tokens', (request) =>
      this.withProject(request, (projectId, project) => this.guestToken(request, projectId, project)),
    );
    this.route('POST', '/api/fabric/subscriber/invites', (request) => this.inviteToken(request));
    this.route('POST', '/api/fabric/embeds/tokens', (request) => this.embedToken(request));
  }

  addProject(
    projectId: string,
    apiToken: string,
    options: { addresses?: string[]; clickToCallTokens?: string[]; scopes?: string[] } = {},
  ): void {
    this.projects.set(projectId, {
      apiToken,
      scopes: options.scopes ?? ['Voice'],
      addresses: new Set(options.addresses ?? []),
      clickToCallTokens: new Set(options.clickToCallTokens ?? []),
      subscribers: new Map(),
    });
  }

  private get seconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private withProject(request: EmulatorRequest, handle: (projectId: string, project: Project) => EmulatorReply): EmulatorReply {
    const project = request.basic ? this.projects.get(request.basic.username) : undefined;
    if (!project || project.apiToken !== request.basic?.password) return { status: 401, body: { error: 'Unauthorized' } };
    if (!project.scopes.some((scope) => ['Voice', 'Messaging', 'Fax', 'Video'].includes(scope)))
      return { status: 403, body: { error: 'Forbidden' } };
    return handle(request.basic.username, project);
  }

  private subscriberToken(request: EmulatorRequest, projectId: string, project: Project): EmulatorReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.reference !== 'string' || body.reference.length === 0)
      return invalid('missing_required_parameter', 'Required parameter is missing', 'reference');
    const expireAt = this.expiry(body.expire_at);
    if (expireAt === undefined) return invalid('invalid_parameter', 'Expire At must be an integer in the future', 'expire_at');
    if (body.application_id !== undefined && (typeof body.application_id !== 'string' || !UUID.test(body.application_id))) {
      return invalid('invalid_parameter', 'Application ID must be a UUID', 'application_id');
    }
    const fingerprint = body.fingerprint;
    if (fingerprint !== undefined && (typeof fingerprint !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(fingerprint))) {
      return invalid('invalid_parameter', 'Fingerprint must be 43 base64url characters', 'fingerprint');
    }
    const scope: unknown = Array.isArray(body.scope) && body.scope.length === 1 ? (body.scope as unknown[])[0] : body.scope;
    if (scope !== undefined && scope !== 'sat:refresh') return invalid('invalid_parameter', 'Scope must be sat:refresh', 'scope');
    // A refresh-scoped SAT without a key binding lives at most 60 s.
    const expiresAt = scope && !fingerprint ? Math.min(expireAt, this.seconds + 60) : expireAt;

    const subscriberId = project.subscribers.get(body.reference) ?? randomUUID();
    project.subscribers.set(body.reference, subscriberId);
    const token = this.issueSat({ projectId, subscriberId, kind: 'subscriber', expiresAt, fingerprint: fingerprint });
    const refreshToken = this.issueRefresh(projectId, subscriberId, expiresAt + 300);
    return { status: 200, body: { subscriber_id: subscriberId, token, refresh_token: refreshToken } };
  }

  private guestToken(request: EmulatorRequest, projectId: string, project: Project): EmulatorReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const addresses = body.allowed_addresses;
    if (!Array.isArray(addresses) || addresses.length === 0)
      return invalid('missing_required_parameter', 'Required parameter is missing', 'allowed_addresses');
    if (addresses.length > 10) return invalid('allowed_address_limit_exceeded', 'At most 10 allowed addresses', 'allowed_addresses');
    if (addresses.some((address) => typeof address !== 'string' || !project.addresses.has(address))) {
      return invalid('must_belong_to_project', 'Allowed addresses must belong to the project', 'allowed_addresses');
    }
    const expiresAt = this.expiry(body.expire_at);
    if (expiresAt === undefined) return invalid('invalid_parameter', 'Expire At must be an integer in the future', 'expire_at');
    const token = this.issueSat({ projectId, kind: 'guest', expiresAt });
    return { status: 201, body: { token, refresh_token: this.issueRefresh(projectId, 'guest', expiresAt + 300) } };
  }

  /** Authenticated by a subscriber SAT, not by the project. */
  private inviteToken(request: EmulatorRequest): EmulatorReply {
    const sat = request.bearer ? this.sats.get(request.bearer) : undefined;
    if (!sat || sat.kind !== 'subscriber' || sat.expiresAt <= this.seconds) return { status: 401, body: { error: 'Unauthorized' } };
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.address_id !== 'string' || !this.projects.get(sat.projectId)?.addresses.has(body.address_id)) {
      return invalid('invalid_parameter', 'Address is invalid', 'address_id');
    }
    if (body.expires_at !== undefined && (typeof body.expires_at !== 'number' || !Number.isInteger(body.expires_at))) {
      return invalid('invalid_parameter', 'Expires At must be an integer', 'expires_at');
    }
    const expiresAt = body.expires_at ?? this.seconds + TWO_HOURS;
    if (expiresAt <= this.seconds) return invalid('invalid_parameter', `Expires At must be greater than ${this.seconds}`, 'expires_at');
    return { status: 201, body: { token: this.issueSat({ projectId: sat.projectId, kind: 'invite', expiresAt }) } };
  }

  /** Public: no authentication, only a click-to-call token the dashboard issued. */
  private embedToken(request: EmulatorRequest): EmulatorReply {
    const token = (request.body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token) return invalid('missing_required_parameter', 'token is required', 'token');
    const project = [...this.projects.entries()].find(([, candidate]) => candidate.clickToCallTokens.has(token));
    if (!project) return { status: 403, body: { error: 'Forbidden' } };
    return { status: 201, body: { token: this.issueSat({ projectId: project[0], kind: 'embed', expiresAt: this.seconds + 3600 }) } };
  }

  private refresh(request: EmulatorRequest, projectId: string): EmulatorReply {
    const presented = (request.body as { refresh_token?: unknown } | undefined)?.refresh_token;
    if (typeof presented !== 'string' || !presented)
      return invalid('missing_required_parameter', 'Required parameter is missing', 'refresh_token');
    const refresh = this.refreshTokens.get(presented);
    if (!refresh || refresh.projectId !== projectId) return invalid('invalid_parameter', 'Refresh token is invalid', 'refresh_token');
    if (refresh.expiresAt <= this.seconds || (refresh.consumed && this.singleUseRefreshTokens))
      return invalid('token_expired', 'Token has expired.', 'refresh_token');
    refresh.consumed = true;
    const token = this.issueSat({ projectId, subscriberId: refresh.subscriberId, kind: 'subscriber', expiresAt: this.seconds + TWO_HOURS });
    return {
      status: 201,
      body: { token, refresh_token: this.issueRefresh(projectId, refresh.subscriberId, this.seconds + TWO_HOURS + 300) },
    };
  }

  private expiry(value: unknown): number | undefined {
    if (value === undefined) return this.seconds + TWO_HOURS;
    return typeof value === 'number' && Number.isInteger(value) && value > this.seconds ? value : undefined;
  }

  private issueSat(sat: IssuedSat): string {
    const token = opaqueToken('SAT');
    this.sats.set(token, sat);
    return token;
  }

  private issueRefresh(projectId: string, subscriberId: string, expiresAt: number): string {
    const token = opaqueToken('Refresh');
    this.refreshTokens.set(token, { projectId, subscriberId, expiresAt, consumed: false });
    return token;
  }
}

/** A compact JWE with `alg: dir` (so an empty key part), as SignalWire's are: opaque to everyone but SignalWire. */
function opaqueToken(type: 'SAT' | 'Refresh'): string {
  const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', typ: type, ch: 'puc.signalwire.com' })).toString('base64url');
  return [
    header,
    '',
    randomBytes(12).toString('base64url'),
    randomBytes(48).toString('base64url'),
    randomBytes(16).toString('base64url'),
  ].join('.');
}

function invalid(code: string, message: string, attribute: string): EmulatorReply {
  return {
    status: 422,
    body: {
      errors: [
        { type: 'validation_error', code, message, attribute, url: `https://developer.signalwire.com/rest/overview/error-codes#${code}` },
      ],
    },
  };
}
