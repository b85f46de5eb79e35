import twilio from 'twilio';
import { mintRequest } from '../../../test/helpers/adapter-calls';
import { atTime } from '../../../test/helpers/at-time';
import { decodeJwt } from '../jwt';
import { MintRequest } from '../provider-adapter';
import { TwilioConfigDto } from './twilio-config.dto';
import { TwilioSecretsDto } from './twilio-secrets.dto';
import { TwilioAdapter } from './twilio.adapter';
import { twilioKit } from './twilio.kit';

/** The adapter alone: its tokens against twilio-node's, byte for byte, for the same inputs and second. */
describe('TwilioAdapter', () => {
  const adapter = new TwilioAdapter();
  const { config, secrets } = twilioKit.validCredentials();
  const now = new Date('2026-11-30T12:00:00.000Z');

  const mint = (overrides: Partial<MintRequest<TwilioConfigDto, TwilioSecretsDto>>) =>
    adapter.mint(
      mintRequest<TwilioConfigDto, TwilioSecretsDto>(
        { id: 'acc_1', updatedAt: now, config, secrets },
        { kind: 'access_token', now, identity: 'alice_42', ttlSeconds: 3600, ...overrides },
      ),
    );

  it('signs an access token identical to AccessToken with a VoiceGrant', async () => {
    const minted = await mint({ options: { outgoingParams: { plan: 'gold' } } });
    const oracle = atTime(now, () => {
      const token = new twilio.jwt.AccessToken(config.accountSid, config.apiKeySid, secrets.apiKeySecret, {
        identity: 'alice_42',
        ttl: 3600,
      });
      token.addGrant(
        new twilio.jwt.AccessToken.VoiceGrant({
          incomingAllow: true,
          outgoingApplicationSid: config.outgoingApplicationSid,
          outgoingApplicationParams: { plan: 'gold' },
        }),
      );
      return token.toJwt();
    });
    expect(minted.token).toBe(oracle);
    expect(minted.expiresAt).toEqual(new Date(now.getTime() + 3600_000));
    expect(minted.grants).toEqual({
      incoming: true,
      outgoing: true,
      outgoingApplicationSid: config.outgoingApplicationSid,
      outgoingParamKeys: ['plan'],
    });
  });

  it('signs a capability token identical to ClientCapability, with the auth token', async () => {
    const minted = await mint({ kind: 'capability_token', capabilities: ['incoming'], ttlSeconds: 1800 });
    const oracle = atTime(now, () => {
      const capability = new twilio.jwt.ClientCapability({ accountSid: config.accountSid, authToken: secrets.authToken, ttl: 1800 });
      capability.addScope(new twilio.jwt.ClientCapability.IncomingClientScope('alice_42'));
      return capability.toJwt();
    });
    expect(minted.token).toBe(oracle);
  });

  it('grants only what is asked: an incoming-only token has no outgoing grant', async () => {
    const minted = await mint({ capabilities: ['incoming'] });
    expect((decodeJwt(minted.token)?.payload.grants as { voice: unknown }).voice).toEqual({ incoming: { allow: true } });
  });

  it('refuses outgoing calls when the account has no TwiML application', async () => {
    const { outgoingApplicationSid: _omitted, ...withoutApp } = config;
    await expect(mint({ account: { id: 'acc_2', updatedAt: now, config: withoutApp, secrets } })).rejects.toMatchObject({
      code: 'provider_config_incomplete',
      details: { missing: 'config.outgoingApplicationSid' },
    });
  });

  it('accepts Twilio identities and refuses the characters that break calls', () => {
    expect(adapter.identityProblem('alice_42')).toBeUndefined();
    for (const identity of ['alice@example.com', 'a b', '', 'x'.repeat(122)])
      expect(adapter.identityProblem(identity)).toMatch(/Twilio identities/);
  });
});
