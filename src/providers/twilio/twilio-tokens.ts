import { escape } from 'node:querystring';
import { signHs256 } from '../jwt';

export interface VoiceGrant {
  incoming: boolean;
  /** Set to allow outgoing calls through this TwiML App. */
  outgoingApplicationSid?: string;
  outgoingParams?: Record<string, string>;
  pushCredentialSid?: string;
}

export interface AccessTokenInput {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  identity: string;
  ttlSeconds: number;
  /** Signing time, whole seconds since the epoch. */
  issuedAt: number;
  region?: string;
  voice: VoiceGrant;
}

/**
 * Voice SDK 2.x access token. Header, claims and their order are what twilio-node's AccessToken + VoiceGrant
 * produce for the same inputs and second (tests compare byte for byte), so the signature matches too.
 */
export function accessToken(input: AccessTokenInput): string {
  const header: Record<string, string> = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' };
  if (input.region) header.twr = input.region;
  const voice: Record<string, unknown> = {};
  if (input.voice.incoming) voice.incoming = { allow: true };
  if (input.voice.outgoingApplicationSid) {
    voice.outgoing = {
      application_sid: input.voice.outgoingApplicationSid,
      ...(input.voice.outgoingParams ? { params: input.voice.outgoingParams } : {}),
    };
  }
  if (input.voice.pushCredentialSid) voice.push_credential_sid = input.voice.pushCredentialSid;
  const payload = {
    jti: `${input.apiKeySid}-${input.issuedAt}`,
    grants: { identity: input.identity, voice },
    iat: input.issuedAt,
    exp: input.issuedAt + input.ttlSeconds,
    iss: input.apiKeySid,
    sub: input.accountSid,
  };
  return signHs256(header, payload, input.apiKeySecret);
}

export interface CapabilityTokenInput {
  accountSid: string;
  authToken: string;
  clientName: string;
  ttlSeconds: number;
  issuedAt: number;
  incoming: boolean;
  outgoingApplicationSid?: string;
  outgoingParams?: Record<string, string>;
}

/** Legacy Twilio Client 1.x capability token, as twilio-node's ClientCapability writes it (signed with the auth token). */
export function capabilityToken(input: CapabilityTokenInput): string {
  const scopes: string[] = [];
  if (input.incoming) scopes.push(`scope:client:incoming?clientName=${escape(input.clientName)}`);
  if (input.outgoingApplicationSid) {
    const query = [`appSid=${escape(input.outgoingApplicationSid)}`, `clientName=${escape(input.clientName)}`];
    if (input.outgoingParams) {
      const params = Object.entries(input.outgoingParams).map(([key, value]) => `${escape(key)}=${escape(value)}`);
      query.push(`appParams=${escape(params.join('&'))}`);
    }
    scopes.push(`scope:client:outgoing?${query.join('&')}`);
  }
  const payload = { scope: scopes.join(' '), iss: input.accountSid, exp: input.issuedAt + input.ttlSeconds, iat: input.issuedAt };
  return signHs256({ alg: 'HS256', typ: 'JWT' }, payload, input.authToken);
}
