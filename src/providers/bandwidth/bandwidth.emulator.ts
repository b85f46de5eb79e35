import { randomBytes, randomUUID } from 'node:crypto';
import { EmulatorReply, EmulatorRequest, EmulatorServer } from '../emulator/emulator-server';
import { signHs256 } from '../jwt';

interface BandwidthClient {
  secret: string;
  network: 'global' | 'us';
}

/**
 * Bandwidth's OAuth2 token endpoints (bandwidth.md, "What an emulator must check"): POST only, form-encoded,
 * Basic client credentials, grant_type client_credentials, scope voice.webrtc on the Global network; RFC 6749
 * error bodies. One emulator serves both networks: each client is registered with its own.
 */
export class BandwidthEmulator extends EmulatorServer {
  readonly clients = new Map<string, BandwidthClient>();
  /** Token lifetime in seconds: 600 on Global (documented), configurable for US (undocumented). */
  expiresIn = { global: 600, us: 3600 };
  /** Whether client_id/client_secret in the form body are accepted (undocumented; off by default). */
  acceptBodyCredentials = false;
  private readonly signingKey = randomBytes(32).toString('hex');

  constructor(private readonly now: () => Date = () => new Date()) {
    super('bandwidth');
    this.route('POST', '/api/v1/oauth2/token', (request) => this.token(request));
  }

  addClient(clientId: string, secret: string, network: 'global' | 'us'): void {
    this.clients.set(clientId, { secret, network });
  }

  private token(request: EmulatorRequest): EmulatorReply {
    if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = (request.body ?? {}) as Record<string, string>;
    const credentials =
      request.basic ??
      (this.acceptBodyCredentials && form.client_id ? { username: form.client_id, password: form.client_secret } : undefined);
    const client = credentials ? this.clients.get(credentials.username) : undefined;
    if (!client || client.secret !== credentials?.password) {
      return {
        ...oauthError(401, 'invalid_client'),
        headers: { 'www-authenticate': 'Basic realm="bandwidth"', 'cache-control': 'no-store' },
      };
    }
    if (form.grant_type !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
    if (client.network === 'global' && form.scope !== 'voice.webrtc') return oauthError(400, 'invalid_scope');

    const jti = randomUUID();
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const expiresIn = this.expiresIn[client.network];
    const accessToken = signHs256(
      { alg: 'HS256', typ: 'JWT' },
      { jti, sub: credentials.username, iat: issuedAt, exp: issuedAt + expiresIn, scope: form.scope ?? '' },
      this.signingKey,
    );
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: { access_token: accessToken, access_token_id: jti, token_type: 'Bearer', expires_in: expiresIn },
    };
  }
}

function oauthError(status: number, error: string, description?: string): EmulatorReply {
  return { status, headers: { 'cache-control': 'no-store' }, body: { error, ...(description ? { error_description: description } : {}) } };
}
