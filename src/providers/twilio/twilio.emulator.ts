import { createHmac, timingSafeEqual } from 'node:crypto';
import { EmulatorServer } from '../emulator/emulator-server';
import { decodeJwt } from '../jwt';

export interface TwilioEmulatorAccount {
  accountSid: string;
  authToken?: string;
  apiKeys: { sid: string; secret: string; restricted?: boolean }[];
  applicationSids: string[];
}

export interface TwilioVerdict {
  valid: boolean;
  /** Twilio's error code when invalid (20101 … 20160, 31105, 51003). */
  code?: number;
  message?: string;
  kind?: 'access_token' | 'capability_token';
  identity?: string;
  grants?: Record<string, unknown>;
  scopes?: string[];
}

const MAX_LIFETIME_SECONDS = 86_400;
const REGISTRATIONS_PER_IDENTITY = 10;

/**
 * Twilio mints nothing for browsers (tokens are signed by the customer), so this emulator is a verifier: it
 * checks a token the way Twilio's signalling does (twilio.md, "What an emulator must check") and keeps the newest
 * 10 registrations per identity. POST /v1/verify {token} checks; POST /v1/registrations {token} also registers.
 */
export class TwilioEmulator extends EmulatorServer {
  readonly accounts = new Map<string, TwilioEmulatorAccount>();
  /** Registration order per "accountSid/identity"; the oldest is dropped beyond 10. */
  readonly registrations = new Map<string, string[]>();
  clockSkewSeconds = 60;

  constructor(private readonly now: () => Date = () => new Date()) {
    super('twilio');
    this.route('POST', '/v1/verify', (request) => this.reply(this.verify(tokenOf(request.body))));
    this.route('POST', '/v1/registrations', (request) => {
      const verdict = this.verify(tokenOf(request.body));
      if (!verdict.valid || verdict.kind !== 'access_token') return this.reply(verdict);
      const key = `${(verdict.grants as { accountSid: string }).accountSid}/${verdict.identity}`;
      const devices = [...(this.registrations.get(key) ?? []), `device-${this.requests.length}`];
      const evicted = devices.length > REGISTRATIONS_PER_IDENTITY ? devices.shift() : undefined;
      this.registrations.set(key, devices);
      return { status: 201, body: { ...verdict, registrations: devices.length, evicted } };
    });
  }

  addAccount(account: TwilioEmulatorAccount): void {
    this.accounts.set(account.accountSid, account);
  }

  verify(token: string): TwilioVerdict {
    const parts = token.split('.');
    const decoded = parts.length === 3 ? decodeJwt(token) : undefined;
    if (!decoded) return invalid(20101, 'Invalid Access Token');
    return decoded.header.cty === undefined && 'scope' in decoded.payload
      ? this.verifyCapability(parts, decoded.header, decoded.payload)
      : this.verifyAccessToken(parts, decoded.header, decoded.payload);
  }

  private verifyAccessToken(parts: string[], header: Record<string, unknown>, claims: Record<string, unknown>): TwilioVerdict {
    if (header.typ !== 'JWT' || header.cty !== 'twilio-fpa;v=1' || header.alg !== 'HS256')
      return invalid(20102, 'Invalid Access Token header');
    const account = typeof claims.sub === 'string' && /^AC[0-9a-f]{32}$/.test(claims.sub) ? this.accounts.get(claims.sub) : undefined;
    const key = account?.apiKeys.find((candidate) => candidate.sid === claims.iss);
    if (!account || typeof claims.iss !== 'string' || !/^SK[0-9a-f]{32}$/.test(claims.iss) || !key) {
      return invalid(20103, 'Invalid Access Token issuer/subject');
    }
    if (key.restricted) return invalid(20160, 'Invalid Token (restricted API key)');
    if (!signatureMatches(parts, key.secret)) return invalid(20107, 'Invalid Access Token signature');
    const lifetime = this.checkLifetime(claims, claims.nbf ?? claims.iat);
    if (lifetime) return lifetime;

    const grants = claims.grants as { identity?: unknown; voice?: Record<string, unknown> } | undefined;
    const identity = grants?.identity;
    if (typeof identity !== 'string' || identity.length === 0) return invalid(20106, 'Invalid Access Token grants');
    if (identity.length > 121) return invalid(51003, 'Identity too long');
    if (!/^[A-Za-z0-9_]+$/.test(identity)) return invalid(31105, 'Invalid client name/identity');
    const voice = grants?.voice ?? {};
    const incoming = voice.incoming as { allow?: unknown } | undefined;
    const outgoing = voice.outgoing as { application_sid?: unknown; params?: unknown } | undefined;
    if (incoming !== undefined && incoming.allow !== true) return invalid(20106, 'Invalid Access Token grants');
    if (outgoing !== undefined) {
      const sid = outgoing.application_sid;
      if (typeof sid !== 'string' || !/^AP[0-9a-f]{32}$/.test(sid) || !account.applicationSids.includes(sid)) {
        return invalid(20106, 'Invalid Access Token grants: unknown application');
      }
      if (
        outgoing.params !== undefined &&
        (typeof outgoing.params !== 'object' || outgoing.params === null || Array.isArray(outgoing.params))
      ) {
        return invalid(20106, 'Invalid Access Token grants: params');
      }
    }
    if (!incoming && !outgoing) return invalid(20106, 'Invalid Access Token grants: neither incoming nor outgoing');
    return { valid: true, kind: 'access_token', identity, grants: { accountSid: account.accountSid, voice } };
  }

  private verifyCapability(parts: string[], header: Record<string, unknown>, claims: Record<string, unknown>): TwilioVerdict {
    if (header.alg !== 'HS256' || header.typ !== 'JWT') return invalid(20102, 'Invalid Access Token header');
    const account = typeof claims.iss === 'string' ? this.accounts.get(claims.iss) : undefined;
    if (!account?.authToken) return invalid(20103, 'Invalid Access Token issuer/subject');
    if (!signatureMatches(parts, account.authToken)) return invalid(20107, 'Invalid Access Token signature');
    const lifetime = this.checkLifetime(claims, claims.iat ?? Math.floor(this.now().getTime() / 1000));
    if (lifetime) return lifetime;
    const scopes = String(claims.scope).split(' ').filter(Boolean);
    const parsed = scopes.map((scope) => {
      const [uri, query = ''] = scope.split('?');
      return { uri, params: Object.fromEntries(new URLSearchParams(query)) };
    });
    if (parsed.length === 0 || parsed.some((scope) => !/^scope:(client:(incoming|outgoing)|stream:subscribe)$/.test(scope.uri))) {
      return invalid(20106, 'Invalid capability scopes');
    }
    const outgoing = parsed.find((scope) => scope.uri === 'scope:client:outgoing');
    if (outgoing && !account.applicationSids.includes(outgoing.params.appSid))
      return invalid(20106, 'Invalid capability scopes: unknown application');
    const identity = parsed.map((scope) => scope.params.clientName).find(Boolean);
    return { valid: true, kind: 'capability_token', identity, scopes, grants: { accountSid: account.accountSid } };
  }

  private checkLifetime(claims: Record<string, unknown>, start: unknown): TwilioVerdict | undefined {
    const now = Math.floor(this.now().getTime() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now) return invalid(20104, 'Access Token expired or expiration date invalid');
    if (typeof start !== 'number' || claims.exp - start > MAX_LIFETIME_SECONDS)
      return invalid(20157, 'Expiration Time Exceeds Maximum Time Allowed');
    if (typeof claims.nbf === 'number' && now + this.clockSkewSeconds < claims.nbf) return invalid(20105, 'Access Token not yet valid');
    return undefined;
  }

  private reply(verdict: TwilioVerdict) {
    return { status: verdict.valid ? 200 : 401, body: verdict };
  }
}

function tokenOf(body: unknown): string {
  const token = (body as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token : '';
}

function invalid(code: number, message: string): TwilioVerdict {
  return { valid: false, code, message };
}

function signatureMatches(parts: string[], secret: string): boolean {
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const actual = Buffer.from(parts[2], 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
