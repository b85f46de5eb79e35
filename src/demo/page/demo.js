// @callpass/browser as a tenant's page without a build step gets it: the one file this Callpass server serves, loaded
// with the integrity hash GET /v1/browser gives. It defines `Callpass`.
const { createCredentialProvider } = await loadBrowserLibrary();

async function loadBrowserLibrary() {
  const { script } = await (await fetch('/v1/browser')).json();
  const tag = Object.assign(document.createElement('script'), { src: script.url, integrity: script.integrity, crossOrigin: 'anonymous' });
  await new Promise((resolve, reject) => {
    tag.addEventListener('load', resolve);
    tag.addEventListener('error', () => reject(new Error(`@callpass/browser did not load from ${script.url}`)));
    document.head.append(tag);
  });
  return window.Callpass;
}

const SIGNED_OUT = ['end_user_session_expired', 'end_user_session_revoked', 'end_user_session_invalid', 'end_user_revoked'];
const NOT_ALLOWED = ['endpoint_not_found', 'endpoint_disabled', 'capability_not_allowed', 'endpoint_choice_required'];

const $ = (id) => document.getElementById(id);
/** `titles`: each provider's name for people, by provider, from the sign-in answer. */
const state = { tenant: undefined, session: undefined, selected: undefined, titles: {}, views: new Map() };

/** What went wrong, said for the person in front of the page rather than for a developer. */
function explain(error, provider) {
  const name = state.titles[provider];
  if (error.code === 'origin_not_allowed')
    return `This page's address (${location.origin}) is not on the demo tenant's list of allowed origins, so Callpass gives it no tokens. Open the demo at the address the sandbox printed.`;
  if (SIGNED_OUT.includes(error.code)) return 'Your sign-in has ended. Sign in again to get new tokens.';
  if (NOT_ALLOWED.includes(error.code)) return `Your account cannot use ${name} calling. Ask the app's administrator.`;
  if (error.code === 'rate_limited') return `Too many token requests for this user just now. Trying again${retryIn(error)}.`;
  if (error.code === 'network_error') return `Callpass cannot be reached right now. Trying again${retryIn(error)}.`;
  if (error.code === 'provider_unavailable' && error.details.reason === 'rate_limited')
    return `${name} is limiting this app's requests just now. Trying again${retryIn(error)}.`;
  if (error.code === 'provider_unavailable' && error.retrying)
    return `${name} is unavailable right now: nothing you did. Trying again${retryIn(error)}.`;
  if (error.code.startsWith('provider_'))
    return `${name} did not answer as expected. ${error.retrying ? `Trying again${retryIn(error)}.` : 'Try again later.'}`;
  return error.retrying ? `${error.message}. Trying again${retryIn(error)}.` : error.message;
}

/** " in N s": when the library tries again by itself. */
function retryIn(error) {
  return error.retryInMs === undefined ? '' : ` in ${Math.max(1, Math.round(error.retryInMs / 1000))} s`;
}

/** A token's header and claims where it is a JWT; other providers' tokens are opaque. */
function describeToken(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return 'This token is not a readable JWT: the SDK uses it as it is.';
  try {
    const decode = (part) => JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
    return JSON.stringify({ header: decode(parts[0]), claims: decode(parts[1]) }, null, 2);
  } catch {
    return 'This token is not a readable JWT: the SDK uses it as it is.';
  }
}

/** A time left as m:ss, or h:mm:ss from an hour up (a day's token reads 24:00:00, not 1440:00). */
function seconds(ms) {
  if (ms <= 0) return 'now';
  const total = Math.ceil(ms / 1000);
  const [hours, minutes, secs] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (value) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(secs)}` : `${minutes}:${pad(secs)}`;
}

function log(view, text) {
  view.log.unshift({ at: new Date(), text });
  view.log.length = Math.min(view.log.length, 50);
  if (view.provider === state.selected) render();
}

/** One provider's credential provider and what the page shows of it; every tab keeps its own, side by side. */
function viewFor(provider) {
  let view = state.views.get(provider);
  if (view) return view;
  const credentials = createCredentialProvider({
    baseUrl: location.origin,
    tenant: state.tenant,
    provider,
    getCredential: () => state.session,
  });
  view = { provider, credentials, count: 0, log: [], problem: undefined, status: 'working', label: 'Getting a token…' };
  credentials.on('token', () => {
    view.count += 1;
    Object.assign(view, { status: 'active', label: 'Token active', problem: undefined });
    log(view, `Got a ${state.titles[provider]} token`);
  });
  credentials.on('refreshed', () => {
    view.count += 1;
    Object.assign(view, { status: 'active', label: 'Token active', problem: undefined });
    log(view, 'Refreshed ahead of expiry');
  });
  credentials.on('error', (error) => {
    Object.assign(view, { status: error.retrying ? 'working' : 'failed', label: error.retrying ? 'Retrying…' : 'No token' });
    view.problem = explain(error, provider);
    log(view, `Refused: ${error.code}`);
    if (SIGNED_OUT.includes(error.code)) showSignedOut();
  });
  credentials.on('expired', () => {
    Object.assign(view, { status: 'expired', label: 'Token expired' });
    log(view, 'The token expired before a new one arrived');
  });
  state.views.set(provider, view);
  credentials.getToken().catch(() => undefined);
  return view;
}

function render() {
  const view = state.views.get(state.selected);
  for (const tab of document.querySelectorAll('[role=tab]'))
    tab.setAttribute('aria-selected', String(tab.dataset.provider === state.selected));
  if (!view) return;
  // A provider that gave up holds no token worth counting down: a refused user's is not theirs to use any more.
  const token = view.status === 'failed' ? undefined : view.credentials.current;
  $('status').dataset.state = view.status;
  $('status').textContent = view.label;
  $('problem').hidden = !view.problem;
  $('problem').textContent = view.problem ?? '';
  $('identity').textContent = token?.identity ?? '–';
  $('token-count').textContent = String(view.count);
  $('expires-in').textContent = token ? seconds(view.credentials.localTime(token.expiresAt) - Date.now()) : '–';
  $('refresh-in').textContent = token ? seconds(view.credentials.localTime(token.refreshAfter) - Date.now()) : '–';
  $('claims').textContent = token ? describeToken(token.token) : 'No token yet.';
  // Vonage's SDK needs the account's region (`new VonageClient({ region })`): the token answer names it.
  $('region-fact').hidden = typeof token?.region !== 'string';
  $('region').textContent = typeof token?.region === 'string' ? token.region.toUpperCase() : '–';
  $('log').replaceChildren(
    ...view.log.map((entry) => {
      const item = document.createElement('li');
      const time = document.createElement('time');
      time.textContent = entry.at.toLocaleTimeString();
      item.append(time, entry.text);
      return item;
    }),
  );
}

async function signIn(event) {
  event.preventDefault();
  const button = event.submitter;
  button.disabled = true;
  try {
    const response = await fetch('/demo/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: $('user').value.trim() }),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(refusalOf(answer));
    for (const view of state.views.values()) view.credentials.dispose();
    state.views.clear();
    Object.assign(state, { tenant: answer.tenant, session: answer.session });
    showTabs(answer.providers);
    $('signed-in').hidden = false;
    $('signed-in').classList.remove('failed');
    $('signed-in').textContent = `Signed in as ${answer.userId}`;
    $('token-card').hidden = false;
    select(state.selected);
  } catch (error) {
    $('signed-in').hidden = false;
    $('signed-in').classList.add('failed');
    $('signed-in').textContent = error.message;
  } finally {
    button.disabled = false;
  }
}

/** What a refused sign-in says, with what was wrong with each field (not only "The request is invalid"). */
function refusalOf(answer) {
  const fields = answer.error?.details?.fields ?? [];
  if (fields.length) return fields.flatMap((field) => field.messages).join('; ');
  return answer.error?.message ?? 'Sign-in failed';
}

/** The user's sign-in has ended (signed out by the tenant, the session revoked or expired): the card says so. */
function showSignedOut() {
  $('signed-in').classList.add('failed');
  $('signed-in').textContent = 'Signed out: sign in again to get new tokens';
}

/** One tab per provider the demo tenant has, in the order Callpass lists them. */
function showTabs(providers) {
  state.titles = Object.fromEntries(providers.map(({ name, title }) => [name, title]));
  if (!(state.selected in state.titles)) state.selected = providers[0].name;
  $('tabs').replaceChildren(
    ...providers.map(({ name, title }) => {
      const tab = document.createElement('button');
      tab.textContent = title;
      tab.setAttribute('role', 'tab');
      tab.dataset.provider = name;
      tab.addEventListener('click', () => select(name));
      return tab;
    }),
  );
}

function select(provider) {
  state.selected = provider;
  viewFor(provider);
  render();
}

$('sign-in').addEventListener('submit', signIn);
$('sign-in').querySelector('button[type=submit]').disabled = false;
$('refresh-now').addEventListener('click', () =>
  state.views
    .get(state.selected)
    ?.credentials.refresh()
    .catch(() => undefined),
);
setInterval(render, 1000);
