import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { AUDIT_ACTIONS } from '../audit-action';
import { TimeWindowPageQueryDto } from '../../common/pagination/page-query.dto';

export class ListAuditEventsQueryDto extends TimeWindowPageQueryDto {
  /** e.g. `provider_account.created` */
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like "area.verb"' })
  action?: string;

  @IsOptional()
  @Matches(/^[a-z_]{1,50}$/)
  targetType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  targetId?: string;

  /** The id of the API key that acted. */
  @IsOptional()
  @IsUUID()
  actorId?: string;
}
