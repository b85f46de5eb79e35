import express from 'express';
import { createPublicKey } from 'node:crypto';
import { jwtVerify } from 'jose';
import twilio from 'twilio';
import { peerMint } from './peer-setup';

/**
 * The end-user token route a careful tenant writes by hand: Express, the IdP's JWT verified with jose (RS256, the
 * issuer's public key, issuer and audience checked), the user from its `sub`, and the twilio helper's AccessToken.
 * No audit, no limits, no revocation.
 */
const { config, secrets } = peerMint();
const idpKey = createPublicKey(process.env.PEER_IDP_PUBLIC_KEY!);
const { issuer, audience } = JSON.parse(process.env.PEER_IDP!) as { issuer: string; audience: string };
const app = express();
app.use(express.json());
app.post('/token', (request, response) => {
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
  jwtVerify(bearer, idpKey, { issuer, audience, algorithms: ['RS256'] }).then(
    ({ payload }) => {
      const identity = payload.sub!;
      const token = new twilio.jwt.AccessToken(config.accountSid, config.apiKeySid, secrets.apiKeySecret, { identity, ttl: 600 });
      token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: config.outgoingApplicationSid }));
      response.json({ identity, token: token.toJwt() });
    },
    () => response.status(401).json({ error: 'unauthorized' }),
  );
});
app.listen(Number(process.env.PORT), '127.0.0.1');
