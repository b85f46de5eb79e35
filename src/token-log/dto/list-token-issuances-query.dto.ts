import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { TimeWindowPageQueryDto } from '../../common/pagination/page-query.dto';

export class ListTokenIssuancesQueryDto extends TimeWindowPageQueryDto {
  /** The tenant's own user id, as stored on the endpoint. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
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
