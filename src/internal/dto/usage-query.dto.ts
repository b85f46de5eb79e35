import { IsDateString, IsOptional, IsUUID } from 'class-validator';

export class UsageQueryDto {
  /** Only this tenant; omit for all tenants. */
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  /** First day counted (ISO 8601 date, UTC). Default: 30 days before `to`. */
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  /** Day after the last one counted (ISO 8601 date, UTC). Default: tomorrow. */
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}
