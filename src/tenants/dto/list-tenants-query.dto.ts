import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class ListTenantsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';

  /** Only the tenant with this slug. */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/)
  slug?: string;
}
