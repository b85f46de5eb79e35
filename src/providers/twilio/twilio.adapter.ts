import { Injectable } from '@nestjs/common';
import { CallingProvider, MintedToken, MintRequest, ProviderAdapter, TokenKind } from '../provider-adapter';
import { providerErrors } from '../providers.errors';
import { TwilioConfigDto } from './twilio-config.dto';
import { TwilioSecretsDto } from './twilio-secrets.dto';
import { TwilioTokenOptionsDto } from './twilio-token-options.dto';
import { accessToken, capabilityToken } from './twilio-tokens';

/** Voice identities: letters, digits and underscore, at most 121 characters (Twilio errors 31105, 51003). */
const TWILIO_IDENTITY = /^[A-Za-z0-9_]{1,121}$/;

/**
 * Twilio documents lifetimes up to 24 h; whether exactly 86400 s is accepted is unconfirmed, so 86400 is the cap
 * (twilio.md marks it as the edge to test).
 */
export const TWILIO_MAX_TTL_SECONDS = 86_400;

/** Twilio tokens are signed here, with no call to Twilio: issuing keeps working when Twilio is unreachable. */
@CallingProvider()
@Injectable()
export class TwilioAdapter implements ProviderAdapter<TwilioConfigDto, TwilioSecretsDto> {
  readonly name = 'twilio';
  readonly configSchema = TwilioConfigDto;
  readonly secretsSchema = TwilioSecretsDto;
  /** Twilio tokens are signed here: the secrets go nowhere. */
  readonly destinationConfigFields = [];
  readonly tokenKinds: Record<string, TokenKind> = {
    access_token: { optionsSchema: TwilioTokenOptionsDto },
    capability_token: { optionsSchema: TwilioTokenOptionsDto },
  };
  readonly defaultTokenKind = 'access_token';
  readonly maxTtlSeconds = TWILIO_MAX_TTL_SECONDS;

  identityProblem(identity: string): string | undefined {
    return TWILIO_IDENTITY.test(identity)
      ? undefined
      : 'Twilio identities are 1-121 letters, digits or underscores (other characters break calls silently)';
  }

  async mint(request: MintRequest<TwilioConfigDto, TwilioSecretsDto>): Promise<MintedToken> {
    const { config, secrets } = request.account;
    const options = request.options as TwilioTokenOptionsDto;
    const issuedAt = Math.floor(request.now.getTime() / 1000);
    const incoming = request.capabilities.includes('incoming');
    const outgoing = request.capabilities.includes('outgoing');
    if (outgoing && !config.outgoingApplicationSid) {
      throw providerErrors.provider_config_incomplete({ missing: 'config.outgoingApplicationSid', neededFor: 'outgoing' });
    }
    const outgoingApplicationSid = outgoing ? config.outgoingApplicationSid : undefined;
    const outgoingParams = outgoing ? options.outgoingParams : undefined;

    let token: string;
    if (request.kind !== 'access_token' && request.kind !== 'capability_token') {
      throw new Error(`Twilio adapter asked for unknown kind ${request.kind}`);
    }
    if (request.kind === 'capability_token') {
      if (!secrets.authToken)
        throw providerErrors.provider_config_incomplete({ missing: 'secrets.authToken', neededFor: 'capability_token' });
      token = capabilityToken({
        accountSid: config.accountSid,
        authToken: secrets.authToken,
        clientName: request.identity,
        ttlSeconds: request.ttlSeconds,
        issuedAt,
        incoming,
        outgoingApplicationSid,
        outgoingParams,
      });
    } else {
      token = accessToken({
        accountSid: config.accountSid,
        apiKeySid: config.apiKeySid,
        apiKeySecret: secrets.apiKeySecret,
        identity: request.identity,
        ttlSeconds: request.ttlSeconds,
        issuedAt,
        region: config.region,
        voice: { incoming, outgoingApplicationSid, outgoingParams, pushCredentialSid: config.pushCredentialSid },
      });
    }
    return {
      token,
      expiresAt: new Date((issuedAt + request.ttlSeconds) * 1000),
      grants: {
        incoming,
        outgoing,
        ...(outgoingApplicationSid ? { outgoingApplicationSid } : {}),
        ...(outgoingParams ? { outgoingParamKeys: Object.keys(outgoingParams) } : {}),
      },
    };
  }
}
