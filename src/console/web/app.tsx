import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, ConsoleSession, setCsrfToken } from './api';
import { EmptyState, ErrorNotice } from './components';
import { EndpointsPage } from './pages/endpoints';
import { OverviewPage } from './pages/overview';
import { ProviderAccountsPage } from './pages/provider-accounts';
import { SignInPage } from './pages/sign-in';
import { TokenLogPage } from './pages/token-log';

const PAGES = [
  { path: '/console/overview', title: 'Overview', render: () => <OverviewPage /> },
  { path: '/console/provider-accounts', title: 'Provider accounts', render: () => <ProviderAccountsPage /> },
  { path: '/console/endpoints', title: 'Endpoints', render: () => <EndpointsPage /> },
  { path: '/console/token-log', title: 'Token log', render: () => <TokenLogPage /> },
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
  const page = PAGES.find((candidate) => candidate.path === path) ?? PAGES[0];
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
        {PAGES.map((candidate) => (
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
        {session.kind === 'admin' ? (
          <EmptyState title="These pages are a tenant's">
            An admin key signs in, but the operator's pages (every tenant) are not built yet: sign in with one of a tenant's keys to see its
            pages.
          </EmptyState>
        ) : (
          page.render()
        )}
      </main>
    </div>
  );
}
