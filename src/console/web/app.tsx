import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, ConsoleSession, setCsrfToken } from './api';
import { ErrorNotice } from './components';
import { ApiKeysPage } from './pages/api-keys';
import { AuditEventsPage } from './pages/audit-events';
import { EndUserAuthPage } from './pages/end-user-auth';
import { EndpointsPage } from './pages/endpoints';
import { OverviewPage } from './pages/overview';
import { ProviderAccountsPage } from './pages/provider-accounts';
import { SessionsPage } from './pages/sessions';
import { SettingsPage } from './pages/settings';
import { SignInPage } from './pages/sign-in';
import { TenantsPage } from './pages/tenants';
import { TokenLogPage } from './pages/token-log';

/** Each page is a tenant's or the operator's: a session sees those of the key that opened it. */
const PAGES: { path: string; title: string; audience: ConsoleSession['kind']; render: () => preact.JSX.Element }[] = [
  { path: '/console/overview', title: 'Overview', audience: 'tenant', render: () => <OverviewPage /> },
  { path: '/console/provider-accounts', title: 'Provider accounts', audience: 'tenant', render: () => <ProviderAccountsPage /> },
  { path: '/console/endpoints', title: 'Endpoints', audience: 'tenant', render: () => <EndpointsPage /> },
  { path: '/console/end-user-auth', title: 'End-user auth', audience: 'tenant', render: () => <EndUserAuthPage /> },
  { path: '/console/sessions', title: 'Sessions and users', audience: 'tenant', render: () => <SessionsPage /> },
  { path: '/console/api-keys', title: 'API keys', audience: 'tenant', render: () => <ApiKeysPage /> },
  { path: '/console/token-log', title: 'Token log', audience: 'tenant', render: () => <TokenLogPage /> },
  { path: '/console/audit-events', title: 'Audit events', audience: 'tenant', render: () => <AuditEventsPage /> },
  { path: '/console/settings', title: 'Settings', audience: 'tenant', render: () => <SettingsPage /> },
  { path: '/console/tenants', title: 'Tenants', audience: 'admin', render: () => <TenantsPage /> },
];

/** The console: the sign-in page until a session exists, then the page the address names. */
export function App() {
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  const [path, setPath] = useState(location.pathname);
  const [error, setError] = useState<ApiError>();

  useEffect(() => {
    api<ConsoleSession>('GET', '/v1/console/sessions/current').then(start, () => setSession(null));
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  function start(opened: ConsoleSession) {
    setCsrfToken(opened.csrfToken);
    setSession(opened);
  }

  function go(to: string) {
    history.pushState(null, '', to);
    setPath(to);
  }

  async function signOut() {
    try {
      await api('DELETE', '/v1/console/sessions/current');
      setSession(null);
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  if (session === undefined) return <main aria-busy="true" />;
  if (session === null) return <SignInPage onSignedIn={start} />;
  const pages = PAGES.filter((candidate) => candidate.audience === session.kind);
  const page = pages.find((candidate) => candidate.path === path) ?? pages[0];
  return (
    <div class="shell">
      <header>
        <span class="brand">Callpass console</span>
        <span class="who">{session.kind === 'admin' ? 'Operator (admin key)' : `Tenant ${session.tenantId}`}</span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav aria-label="Pages">
        {pages.map((candidate) => (
          <a
            key={candidate.path}
            href={candidate.path}
            aria-current={candidate === page ? 'page' : undefined}
            onClick={(event) => {
              event.preventDefault();
              go(candidate.path);
            }}
          >
            {candidate.title}
          </a>
        ))}
      </nav>
      <main>
        <h1>{page.title}</h1>
        {error && <ErrorNotice error={error} />}
        {page.render()}
      </main>
    </div>
  );
}
