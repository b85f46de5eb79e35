import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Cursor pagination shared by every list route; newest first. */
export class PageQueryDto {
  /** Page size, 1 to 100 (default 50). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** `nextCursor` from the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** Pagination plus a time window, for the audit and issuance logs. */
export class TimeWindowPageQueryDto extends PageQueryDto {
  /** Only records at or after this instant (ISO 8601). */
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  /** Only records before this instant (ISO 8601). */
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}
