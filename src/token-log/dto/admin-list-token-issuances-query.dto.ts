import { IsOptional, IsUUID } from 'class-validator';
import { ListTokenIssuancesQueryDto } from './list-token-issuances-query.dto';

export class AdminListTokenIssuancesQueryDto extends ListTokenIssuancesQueryDto {
  /** Only this tenant's issuances; omit to read across tenants. */
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}
