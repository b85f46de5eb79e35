import express from 'express';
import twilio from 'twilio';
import { peerMint } from './peer-setup';

/** The token route a tenant writes today from Twilio's quickstart: Express and the helper, no auth, no audit. */
const { config, secrets, identity } = peerMint();
const app = express();
app.use(express.json());
app.post('/token', (_request, response) => {
  const token = new twilio.jwt.AccessToken(config.accountSid, config.apiKeySid, secrets.apiKeySecret, { identity, ttl: 600 });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: config.outgoingApplicationSid }));
  response.json({ identity, token: token.toJwt() });
});
app.listen(Number(process.env.PORT), '127.0.0.1');
