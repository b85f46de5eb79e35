import { IsIn, IsOptional } from 'class-validator';

export const OVERVIEW_RANGES = ['hour', 'day', 'week'] as const;
export type OverviewRange = (typeof OVERVIEW_RANGES)[number];

export class OverviewQueryDto {
  /** The last hour (per minute), day (per 15 minutes) or week (per hour). Default: hour. */
  @IsOptional()
  @IsIn(OVERVIEW_RANGES)
  range?: OverviewRange;
}
