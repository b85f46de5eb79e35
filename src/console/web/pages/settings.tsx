import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { ErrorNotice } from '../components';

interface RateLimits {
  userPerMinute: number;
  keyPerMinute: number;
  tenantPerMinute: number;
}

interface Settings {
  allowedOrigins: string[];
  tokenTtl: { defaultSeconds?: number; maxSeconds?: number };
  rateLimits: RateLimits;
  rateLimitCaps: RateLimits;
  tokenTtlCapSeconds: number;
}

const LIMITS: { name: keyof RateLimits; label: string }[] = [
  { name: 'userPerMinute', label: 'Tokens per user per minute' },
  { name: 'keyPerMinute', label: 'Requests per API key per minute' },
  { name: 'tenantPerMinute', label: 'Requests for the whole tenant per minute' },
];

const optionalNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The origins allowed to call the browser routes, token lifetimes, and rate limits up to the operator's caps. */
export function SettingsPage() {
  const [stored, setStored] = useState<Settings>();
  const [origins, setOrigins] = useState('');
  const [ttl, setTtl] = useState({ defaultSeconds: '', maxSeconds: '' });
  const [limits, setLimits] = useState<Record<keyof RateLimits, string>>({ userPerMinute: '', keyPerMinute: '', tenantPerMinute: '' });
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);

  function show(settings: Settings) {
    setStored(settings);
    setOrigins(settings.allowedOrigins.join('\n'));
    setTtl({ defaultSeconds: String(settings.tokenTtl.defaultSeconds ?? ''), maxSeconds: String(settings.tokenTtl.maxSeconds ?? '') });
    setLimits({
      userPerMinute: String(settings.rateLimits.userPerMinute),
      keyPerMinute: String(settings.rateLimits.keyPerMinute),
      tenantPerMinute: String(settings.rateLimits.tenantPerMinute),
    });
  }
  useEffect(() => void api<Settings>('GET', '/v1/settings').then(show, setError), []);

  async function save() {
    setError(undefined);
    setSaved(false);
    try {
      show(
        await api<Settings>('PUT', '/v1/settings', {
          allowedOrigins: origins
            .split('\n')
            .map((origin) => origin.trim())
            .filter(Boolean),
          tokenTtl: { defaultSeconds: optionalNumber(ttl.defaultSeconds), maxSeconds: optionalNumber(ttl.maxSeconds) },
          rateLimits: Object.fromEntries(LIMITS.map(({ name }) => [name, optionalNumber(limits[name])])),
        }),
      );
      setSaved(true);
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  if (!stored) return error ? <ErrorNotice error={error} /> : <p aria-busy="true">Loading…</p>;
  return (
    <form
      class="settings"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <fieldset>
        <legend>Allowed origins</legend>
        <label for="allowed-origins">Pages on these origins may call your browser routes, one per line (scheme://host[:port])</label>
        <textarea
          id="allowed-origins"
          rows={4}
          value={origins}
          onInput={(event) => setOrigins((event.target as HTMLTextAreaElement).value)}
        />
        {stored.allowedOrigins.length === 0 && (
          <p class="hint">None yet: until you add your app's origin, browsers cannot fetch your users' tokens from Callpass.</p>
        )}
      </fieldset>
      <fieldset>
        <legend>Token lifetimes, in seconds</legend>
        <label for="ttl-default">When a request names none</label>
        <input
          id="ttl-default"
          type="number"
          min={60}
          value={ttl.defaultSeconds}
          onInput={(event) => setTtl({ ...ttl, defaultSeconds: (event.target as HTMLInputElement).value })}
        />
        <label for="ttl-max">
          The longest a request may ask for
          {` (at most ${stored.tokenTtlCapSeconds.toLocaleString()})`}
        </label>
        <input
          id="ttl-max"
          type="number"
          min={60}
          value={ttl.maxSeconds}
          onInput={(event) => setTtl({ ...ttl, maxSeconds: (event.target as HTMLInputElement).value })}
        />
      </fieldset>
      <fieldset>
        <legend>Rate limits</legend>
        {LIMITS.map(({ name, label }) => (
          <div key={name}>
            <label for={`limit-${name}`}>
              {label} (at most {stored.rateLimitCaps[name].toLocaleString()})
            </label>
            <input
              id={`limit-${name}`}
              type="number"
              min={1}
              value={limits[name]}
              onInput={(event) => setLimits({ ...limits, [name]: (event.target as HTMLInputElement).value })}
            />
          </div>
        ))}
        <p class="hint">Your operator sets how high each may go.</p>
      </fieldset>
      {error && <ErrorNotice error={error} />}
      {saved && <p role="status">Saved.</p>}
      <button type="submit">Save settings</button>
    </form>
  );
}
