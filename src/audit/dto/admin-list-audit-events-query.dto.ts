import { IsOptional, IsUUID } from 'class-validator';
import { ListAuditEventsQueryDto } from './list-audit-events-query.dto';

export class AdminListAuditEventsQueryDto extends ListAuditEventsQueryDto {
  /** Only this tenant's events; omit to read across tenants. */
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}
