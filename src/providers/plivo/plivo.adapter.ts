import { Injectable } from '@nestjs/common';
import { ProviderHttpClient } from '../http/provider-http-client';
import {
  AccountContext,
  CallingProvider,
  MintedToken,
  MintRequest,
  ProviderAdapter,
  ProvisionedEndpoint,
  TokenKind,
} from '../provider-adapter';
import { PlivoApi } from './plivo-api';
import { PlivoConfigDto } from './plivo-config.dto';
import { PlivoSecretsDto } from './plivo-secrets.dto';

type PlivoAccount = AccountContext<PlivoConfigDto, PlivoSecretsDto>;

/** Endpoint usernames: a letter, then letters or digits. Plivo appends 12 digits to the one requested. */
const PLIVO_USERNAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** `nbf` is set this far in the past, so a browser whose clock runs behind does not see a not-yet-valid token. */
const NOT_BEFORE_SKEW_SECONDS = 10;
/** Plivo allows exp − nbf ≤ 24 h. */
const MAX_WINDOW_SECONDS = 86_400;
export const PLIVO_MAX_TTL_SECONDS = MAX_WINDOW_SECONDS - NOT_BEFORE_SKEW_SECONDS;

@CallingProvider()
@Injectable()
export class PlivoAdapter implements ProviderAdapter<PlivoConfigDto, PlivoSecretsDto> {
  readonly name = 'plivo';
  readonly configSchema = PlivoConfigDto;
  readonly secretsSchema = PlivoSecretsDto;
  /** Calls always go to Plivo's API (or baseUrl); `authId` only picks the account there. */
  readonly destinationConfigFields = [];
  readonly tokenKinds: Record<string, TokenKind> = { access_token: {} };
  readonly defaultTokenKind = 'access_token';
  readonly maxTtlSeconds = PLIVO_MAX_TTL_SECONDS;

  constructor(private readonly http: ProviderHttpClient) {}

  identityProblem(identity: string): string | undefined {
    return PLIVO_USERNAME.test(identity) ? undefined : 'Plivo endpoint usernames start with a letter and contain only letters and digits';
  }

  async mint(request: MintRequest<PlivoConfigDto, PlivoSecretsDto>): Promise<MintedToken> {
    const { config } = request.account;
    const now = Math.floor(request.now.getTime() / 1000);
    const exp = now + request.ttlSeconds;
    const incoming = request.capabilities.includes('incoming');
    const outgoing = request.capabilities.includes('outgoing');
    // Both flags are sent explicitly: the browser SDK treats a missing one as false, and so does Callpass's audit.
    const token = await this.api(request.account).createToken({
      iss: config.authId,
      sub: request.identity,
      nbf: now - NOT_BEFORE_SKEW_SECONDS,
      exp,
      per: { voice: { incoming_allow: incoming, outgoing_allow: outgoing } },
      ...(config.applicationId ? { app: config.applicationId } : {}),
    });
    return {
      token,
      expiresAt: new Date(exp * 1000),
      grants: { incoming, outgoing, ...(config.applicationId ? { app: config.applicationId } : {}) },
    };
  }

  async provisionEndpoint(request: { account: PlivoAccount; identity: string }): Promise<ProvisionedEndpoint> {
    const { config } = request.account;
    const api = this.api(request.account);
    let applicationId = config.applicationId;
    let accountConfig: Record<string, unknown> | undefined;
    if (!applicationId && config.answerUrl) {
      applicationId = await api.createApplication(`callpass_${config.authId}`, config.answerUrl);
      accountConfig = { applicationId };
    }
    const created = await api.createEndpoint(request.identity, request.identity, applicationId);
    return { identity: created.username, endpointData: { plivoEndpointId: created.endpointId }, accountConfig };
  }

  async deprovisionEndpoint(request: { account: PlivoAccount; endpointData: Record<string, unknown> }): Promise<void> {
    const endpointId = request.endpointData.plivoEndpointId;
    if (typeof endpointId === 'string') await this.api(request.account).deleteEndpoint(endpointId);
  }

  private api(account: PlivoAccount): PlivoApi {
    return new PlivoApi(this.http, account);
  }
}
