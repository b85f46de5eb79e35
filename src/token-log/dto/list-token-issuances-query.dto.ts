import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { TimeWindowPageQueryDto } from '../../common/pagination/page-query.dto';
import { IsUserId } from '../../common/validation/user-id';

export class ListTokenIssuancesQueryDto extends TimeWindowPageQueryDto {
  /** The tenant's own user id, as stored on the endpoint. */
  @IsUserId({ optional: true })
  userId?: string;

  @IsOptional()
  @IsUUID()
  providerAccountId?: string;

  @IsOptional()
  @IsUUID()
  endpointId?: string;

  @IsOptional()
  @IsIn(['issued', 'refused', 'failed'])
  outcome?: 'issued' | 'refused' | 'failed';
}
