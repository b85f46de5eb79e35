import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { ChartLine, TimeChart } from '../chart';
import { EmptyState, ErrorNotice } from '../components';

type Range = 'hour' | 'day' | 'week';

interface Overview {
  range: Range;
  stepSeconds: number;
  at: string[];
  series: { provider: string; outcome: string; counts: number[] }[];
  refusals: { code: string; count: number }[];
  totals: { issued: number; refused: number; failed: number };
  latency: { p50: (number | null)[]; p95: (number | null)[] };
}

const RANGES: { range: Range; label: string }[] = [
  { range: 'hour', label: 'Last hour' },
  { range: 'day', label: 'Last day' },
  { range: 'week', label: 'Last week' },
];

/** Whether your users get tokens: per provider and outcome, why some are refused, and how long issuing takes. */
export function OverviewPage() {
  const [range, setRange] = useState<Range>('hour');
  const [overview, setOverview] = useState<Overview>();
  const [error, setError] = useState<ApiError>();

  useEffect(() => {
    setError(undefined);
    api<Overview>('GET', `/v1/overview?range=${range}`).then(setOverview, setError);
  }, [range]);

  const at = useMemo(() => overview?.at.map((time) => new Date(time).getTime() / 1000) ?? [], [overview]);
  const tokenLines = useMemo<ChartLine[]>(
    () => overview?.series.map((series) => ({ label: `${series.provider} ${series.outcome}`, values: series.counts })) ?? [],
    [overview],
  );
  const latencyLines = useMemo<ChartLine[]>(
    () =>
      overview
        ? [
            { label: 'p50', values: overview.latency.p50 },
            { label: 'p95', values: overview.latency.p95 },
          ]
        : [],
    [overview],
  );

  const step = overview ? (overview.stepSeconds === 60 ? 'minute' : overview.stepSeconds === 900 ? '15 minutes' : 'hour') : '';
  const { issued = 0, refused = 0, failed = 0 } = overview?.totals ?? {};
  const mostRefused = overview?.refusals[0]?.count ?? 0;
  return (
    <>
      <div class="ranges" role="group" aria-label="Range">
        {RANGES.map((choice) => (
          <button key={choice.range} type="button" aria-pressed={choice.range === range} onClick={() => setRange(choice.range)}>
            {choice.label}
          </button>
        ))}
      </div>
      {error && <ErrorNotice error={error} />}
      {!overview && !error && <p aria-busy="true">Loading…</p>}
      {overview && issued + refused + failed === 0 && (
        <EmptyState title="No token in this range">
          Tokens appear here as your users get them: mint one with <code>POST /v1/tokens</code>, or from a browser on your end-user route.
        </EmptyState>
      )}
      {overview && issued + refused + failed > 0 && (
        <>
          <dl class="totals">
            <div>
              <dt>Issued</dt>
              <dd>{issued}</dd>
            </div>
            <div>
              <dt>Refused</dt>
              <dd>{refused}</dd>
            </div>
            <div>
              <dt>Failed</dt>
              <dd>{failed}</dd>
            </div>
          </dl>
          <TimeChart
            title={`Tokens per ${step}, by provider and outcome`}
            summary={`${issued} issued, ${refused} refused and ${failed} failed in the range`}
            at={at}
            lines={tokenLines}
            unit="tokens"
          />
          <TimeChart
            title={`Issuance latency per ${step} (tokens issued)`}
            summary={`Median and 95th percentile issuance time per ${step}, in milliseconds`}
            at={at}
            lines={latencyLines}
            unit="ms"
            points
          />
          <section>
            <h2>Refusals by code</h2>
            {overview.refusals.length === 0 ? (
              <p>No refusal in this range.</p>
            ) : (
              <ul class="bars">
                {overview.refusals.map((refusal) => (
                  <li key={refusal.code}>
                    <code>{refusal.code}</code>
                    <span class="bar" style={{ width: `${Math.max(2, (refusal.count / mostRefused) * 100)}%` }} />
                    <span>{refusal.count}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </>
  );
}
