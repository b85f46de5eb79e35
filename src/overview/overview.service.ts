import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { OverviewRange } from './dto/overview-query.dto';
import { emptyHistogram, quantile } from './latency-histogram';
import { OverviewResponse, OverviewSeries } from './overview.response';
import { TokenRollupsRepository } from './token-rollups.repository';

const RANGES: Record<OverviewRange, { seconds: number; stepSeconds: number }> = {
  hour: { seconds: 3600, stepSeconds: 60 },
  day: { seconds: 86_400, stepSeconds: 900 },
  week: { seconds: 604_800, stepSeconds: 3600 },
};

/** The console's overview: a tenant's tokens by provider and outcome, its refusals by code, and latency. */
@Injectable()
export class OverviewService {
  constructor(
    private readonly rollups: TokenRollupsRepository,
    private readonly clock: Clock,
  ) {}

  async overview(tenantId: string, range: OverviewRange = 'hour'): Promise<OverviewResponse> {
    const { seconds, stepSeconds } = RANGES[range];
    // Up to the end of the current minute, in whole steps.
    const until = new Date((Math.floor(this.clock.now().getTime() / 60_000) + 1) * 60_000);
    const since = new Date(until.getTime() - seconds * 1000);
    const steps = seconds / stepSeconds;
    const at = Array.from({ length: steps }, (_, index) => new Date(since.getTime() + index * stepSeconds * 1000));
    const stepOf = (time: Date) => Math.floor((new Date(time).getTime() - since.getTime()) / (stepSeconds * 1000));
    const [counts, latencies] = await Promise.all([
      this.rollups.counts(tenantId, since, until, stepSeconds),
      this.rollups.latencies(tenantId, since, until, stepSeconds),
    ]);

    const series = new Map<string, OverviewSeries>();
    const refusals = new Map<string, number>();
    const totals = { issued: 0, refused: 0, failed: 0 };
    for (const row of counts) {
      const count = Number(row.count);
      const key = `${row.provider} ${row.outcome}`;
      if (!series.has(key)) {
        series.set(key, {
          provider: row.provider,
          outcome: row.outcome as OverviewSeries['outcome'],
          counts: new Array<number>(steps).fill(0),
        });
      }
      series.get(key)!.counts[stepOf(row.at)] += count;
      totals[row.outcome as keyof typeof totals] += count;
      if (row.errorCode) refusals.set(row.errorCode, (refusals.get(row.errorCode) ?? 0) + count);
    }
    const histograms = at.map(() => emptyHistogram());
    for (const row of latencies) histograms[stepOf(row.at)][row.bucket - 1] += row.count;

    return {
      range,
      since,
      until,
      stepSeconds,
      at,
      series: [...series.values()].sort((a, b) => `${a.provider} ${a.outcome}`.localeCompare(`${b.provider} ${b.outcome}`)),
      refusals: [...refusals].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
      totals,
      latency: {
        p50: histograms.map((histogram) => quantile(histogram, 0.5)),
        p95: histograms.map((histogram) => quantile(histogram, 0.95)),
      },
    };
  }
}
