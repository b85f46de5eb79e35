import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';

interface Issuer {
  id: string;
  issuer: string;
  audience: string;
  jwksUrl: string | null;
  publicKeyPem: string | null;
  hasSecret: boolean;
  userClaim: string;
  userIdPrefix: string;
  jwks: {
    fetchedAt: string | null;
    keyIds: string[];
    lastError: { cause: string; status: number | null; at: string } | null;
  } | null;
}

interface EndUserAuth {
  issuers: Issuer[];
  sessions: boolean;
}

interface Verdict {
  accepted: boolean;
  userId: string | null;
  issuer: string | null;
  error: { code: string; message: string } | null;
  identities: { endpointId: string; providerAccountId: string; identity: string }[];
}

/** Why a JWKS could not be used, by the cause GET /v1/end-user-auth names (docs/end-users.md lists them). */
const JWKS_CAUSES: Record<string, string> = {
  tls: 'its TLS certificate is not trusted',
  dns: 'its host name does not resolve',
  connect: 'the connection was refused or reset',
  timeout: 'it did not answer in time',
  status: 'it answered with an HTTP status other than 200',
  too_large: 'its answer is larger than 64 KB',
  not_json: 'its answer is not a JSON key set',
  no_usable_keys: "it holds no key usable with the issuer's algorithms",
  forbidden_address: 'it is at an address Callpass may not call',
  not_https: 'it is not an https URL',
  forbidden_port: 'it is on a port Callpass may not call',
};

function keySource(issuer: Issuer): string {
  if (issuer.jwksUrl) return issuer.jwksUrl;
  return issuer.publicKeyPem ? 'PEM key' : 'shared secret';
}

function JwksStatus({ jwks }: { jwks: Issuer['jwks'] }) {
  if (!jwks) return <>not applicable</>;
  const { lastError } = jwks;
  return (
    <>
      <div>{jwks.fetchedAt ? `Fetched ${new Date(jwks.fetchedAt).toLocaleString()}` : 'Not fetched yet'}</div>
      {jwks.keyIds.length > 0 && <div>Key ids: {jwks.keyIds.map((kid) => kid || '(none)').join(', ')}</div>}
      {lastError && (
        <div>
          Last error {new Date(lastError.at).toLocaleString()}: {JWKS_CAUSES[lastError.cause] ?? lastError.cause}
          {lastError.status !== null && ` (HTTP ${lastError.status})`} <code>{lastError.cause}</code>
        </div>
      )}
    </>
  );
}

/** How your end users are recognised (identity providers, sessions), and what the browser route makes of a token. */
export function EndUserAuthPage() {
  const [config, setConfig] = useState<EndUserAuth>();
  const [error, setError] = useState<ApiError>();

  useEffect(() => void api<EndUserAuth>('GET', '/v1/end-user-auth').then(setConfig, setError), []);

  if (error && !config) return <ErrorNotice error={error} />;
  if (!config) return <p aria-busy="true">Loading…</p>;
  return (
    <>
      <p>
        Callpass sessions (<code>POST /v1/sessions</code>): <strong>{config.sessions ? 'on' : 'off'}</strong>
      </p>
      {config.issuers.length === 0 ? (
        <EmptyState title="No identity provider yet">
          Your users' browsers sign in with their identity provider's JWTs once you name it: <code>PUT /v1/end-user-auth</code> with its
          issuer, audience and JWKS URL (see docs/end-users.md).
        </EmptyState>
      ) : (
        <DataTable
          caption="Identity providers you trust"
          rows={config.issuers}
          columns={[
            { header: 'Issuer', cell: (issuer) => issuer.issuer },
            { header: 'Audience', cell: (issuer) => issuer.audience },
            { header: 'Keys', cell: keySource },
            {
              header: 'User id',
              cell: (issuer) => (
                <>
                  {issuer.userIdPrefix && (
                    <>
                      <code>{issuer.userIdPrefix}</code> +{' '}
                    </>
                  )}
                  claim <code>{issuer.userClaim}</code>
                </>
              ),
            },
            { header: 'JWKS', cell: (issuer) => <JwksStatus jwks={issuer.jwks} /> },
          ]}
        />
      )}
      <TokenTest />
    </>
  );
}

/** Pastes an end user's JWT and shows the browser route's verdict: nothing is minted, logged or counted. */
function TokenTest() {
  const [token, setToken] = useState('');
  const [verdict, setVerdict] = useState<Verdict>();
  const [error, setError] = useState<ApiError>();

  async function test() {
    setError(undefined);
    setVerdict(undefined);
    try {
      setVerdict(await api<Verdict>('POST', '/v1/end-user-auth/token-tests', { token: token.trim() }));
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  return (
    <section class="token-test" aria-labelledby="token-test-title">
      <h2 id="token-test-title">Test a token</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void test();
        }}
      >
        <label for="jwt">JWT</label>
        <textarea
          id="jwt"
          rows={4}
          spellcheck={false}
          autocomplete="off"
          value={token}
          onInput={(event) => setToken((event.target as HTMLTextAreaElement).value)}
        />
        <button type="submit">Test token</button>
      </form>
      {error && <ErrorNotice error={error} />}
      {verdict?.error && (
        <>
          <p>Refused: the browser route would answer</p>
          <ErrorNotice error={verdict.error} />
        </>
      )}
      {verdict?.accepted && (
        <div role="status">
          <p class="accepted">
            Accepted: user <strong>{verdict.userId}</strong>, from {verdict.issuer}
          </p>
          {verdict.identities.length === 0 ? (
            <p>
              This user has no endpoint yet: create one with <code>POST /v1/endpoints</code>, or let an account enroll users on their first
              token.
            </p>
          ) : (
            <DataTable
              caption="The user's identities"
              rows={verdict.identities.map((identity) => ({ id: identity.endpointId, ...identity }))}
              columns={[
                { header: 'Identity', cell: (identity) => identity.identity },
                { header: 'Provider account', cell: (identity) => identity.providerAccountId },
                { header: 'Endpoint', cell: (identity) => identity.endpointId },
              ]}
            />
          )}
        </div>
      )}
    </section>
  );
}
