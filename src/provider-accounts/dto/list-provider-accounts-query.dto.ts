import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class ListProviderAccountsQueryDto extends PageQueryDto {
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{1,31}$/)
  provider?: string;

  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}
