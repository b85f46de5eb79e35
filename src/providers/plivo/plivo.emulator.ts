import { randomBytes, randomUUID } from 'node:crypto';
import { EmulatorReply, EmulatorRequest, EmulatorServer } from '../emulator/emulator-server';
import { signHs256 } from '../jwt';

interface PlivoEmulatorAccount {
  authToken: string;
  /** Endpoint usernames (with Plivo's 12-digit suffix) by endpoint id. */
  endpoints: Map<string, { username: string; alias: string; appId?: string }>;
  applications: Map<string, { name: string; answerUrl: string }>;
}

/**
 * Plivo's REST API for browser calling (plivo.md, "What an emulator must check"): Basic auth, JWT/Token/,
 * Endpoint/ and Application/, `{ api_id, error }` error bodies. Checks the docs call assumptions are switches.
 */
export class PlivoEmulator extends EmulatorServer {
  readonly accounts = new Map<string, PlivoEmulatorAccount>();
  checks = { subMustExist: true, appMustExist: true, expMustBeFuture: true };
  /** Plivo signs with a key of its own; browsers only decode. */
  private readonly signingKey = randomBytes(32).toString('hex');
  private sequence = 0;

  constructor(private readonly now: () => Date = () => new Date()) {
    super('plivo');
    this.route('POST', '/v1/Account/:authId/JWT/Token', (request, params) =>
      this.authorised(request, params, (account) => this.createToken(request, params.authId, account)),
    );
    this.route('POST', '/v1/Account/:authId/Endpoint', (request, params) =>
      this.authorised(request, params, (account) => this.createEndpoint(request, account)),
    );
    this.route('DELETE', '/v1/Account/:authId/Endpoint/:endpointId', (request, params) =>
      this.authorised(request, params, (account) =>
        account.endpoints.delete(params.endpointId) ? { status: 204 } : error(404, 'Endpoint not found'),
      ),
    );
    this.route('POST', '/v1/Account/:authId/Application', (request, params) =>
      this.authorised(request, params, (account) => this.createApplication(request, account)),
    );
  }

  addAccount(authId: string, authToken: string): PlivoEmulatorAccount {
    const account = { authToken, endpoints: new Map(), applications: new Map() };
    this.accounts.set(authId, account);
    return account;
  }

  private authorised(
    request: EmulatorRequest,
    params: Record<string, string>,
    handle: (account: PlivoEmulatorAccount) => EmulatorReply,
  ): EmulatorReply {
    const account = request.basic ? this.accounts.get(request.basic.username) : undefined;
    if (!account || account.authToken !== request.basic?.password || request.basic.username !== params.authId) {
      return error(401, 'Authentication failed');
    }
    return handle(account);
  }

  private createToken(request: EmulatorRequest, authId: string, account: PlivoEmulatorAccount): EmulatorReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (body.iss !== authId) return error(400, 'iss must be the auth_id of the account');
    const nbf = toSeconds(body.nbf);
    const exp = toSeconds(body.exp);
    if (nbf === undefined || exp === undefined) return error(400, 'nbf and exp must be unix timestamps');
    if (exp - nbf > 86_400) return error(400, 'token validity cannot exceed 24 hours');
    if (exp <= nbf) return error(400, 'exp must be after nbf');
    if (this.checks.expMustBeFuture && exp <= Math.floor(this.now().getTime() / 1000)) return error(400, 'exp must be in the future');
    // plivo-go sends the flags at the top level instead of under per.voice; accept both.
    const voice = (body.per as { voice?: Record<string, unknown> } | undefined)?.voice ?? body;
    const incoming = voice.incoming_allow ?? false;
    const outgoing = voice.outgoing_allow ?? false;
    if (typeof incoming !== 'boolean' || typeof outgoing !== 'boolean')
      return error(400, 'incoming_allow and outgoing_allow must be booleans');
    const sub = typeof body.sub === 'string' ? body.sub : '';
    if (incoming && !sub) return error(400, 'sub is required when incoming_allow is true');
    if (sub && this.checks.subMustExist && ![...account.endpoints.values()].some((endpoint) => endpoint.username === sub)) {
      return error(400, `'${sub}' is not a valid endpoint`);
    }
    const app = typeof body.app === 'string' ? body.app : '';
    if (app && this.checks.appMustExist && !account.applications.has(app)) return error(400, `'${app}' is not a valid application`);
    const token = signHs256(
      { alg: 'HS256', cty: 'plivo;v=1', typ: 'JWT' },
      { app, exp, iss: authId, nbf, per: { voice: { incoming_allow: incoming, outgoing_allow: outgoing } }, sub },
      this.signingKey,
    );
    return { status: 200, body: { api_id: randomUUID(), token } };
  }

  private createEndpoint(request: EmulatorRequest, account: PlivoEmulatorAccount): EmulatorReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.username !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(body.username)) {
      return error(400, 'username must start with a letter and contain only letters and digits');
    }
    if (typeof body.password !== 'string' || body.password.length < 5) return error(400, 'password must be at least 5 characters');
    if (typeof body.alias !== 'string' || !/^[A-Za-z0-9_-]+$/.test(body.alias))
      return error(400, 'alias may contain letters, digits, - and _');
    const appId = typeof body.app_id === 'string' ? body.app_id : undefined;
    if (appId && !account.applications.has(appId)) return error(404, 'Application not found');
    const username = `${body.username}${String(this.nextNumber()).padStart(12, '0').slice(-12)}`;
    const endpointId = String(this.nextNumber());
    account.endpoints.set(endpointId, { username, alias: body.alias, appId });
    return { status: 201, body: { username, alias: body.alias, message: 'created', endpoint_id: endpointId, api_id: randomUUID() } };
  }

  private createApplication(request: EmulatorRequest, account: PlivoEmulatorAccount): EmulatorReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.app_name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(body.app_name))
      return error(400, 'app_name may contain letters, digits, - and _');
    if (typeof body.answer_url !== 'string' || !body.answer_url) return error(400, 'answer_url is required');
    const appId = String(this.nextNumber());
    account.applications.set(appId, { name: body.app_name, answerUrl: body.answer_url });
    return { status: 201, body: { message: 'created', app_id: appId, api_id: randomUUID() } };
  }

  /** Plivo's ids look like timestamps (yyMMddHHmmss…); a counter on top keeps them unique within a second. */
  private nextNumber(): number {
    this.sequence += 1;
    const stamp = this.now().toISOString().replace(/\D/g, '').slice(2, 14);
    return Number(stamp) * 1000 + this.sequence;
  }
}

function error(status: number, message: string): EmulatorReply {
  return { status, body: { api_id: randomUUID(), error: message } };
}

/** Numbers, or numeric strings (plivo-python sends strings). */
function toSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
