import { Tenant } from '../generated/prisma/client';
import { TenantSettingsDto } from './dto/tenant-settings.dto';

export class TenantResponse {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  settings: TenantSettingsDto;
  createdAt: Date;
  updatedAt: Date;

  static from(tenant: Tenant): TenantResponse {
    const { id, slug, name, status, createdAt, updatedAt } = tenant;
    return { id, slug, name, status, settings: tenant.settings as TenantSettingsDto, createdAt, updatedAt };
  }
}
