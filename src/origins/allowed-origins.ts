import { TenantSettingsDto } from '../tenants/dto/tenant-settings.dto';

/** Whether a page on `origin` may call the tenant's browser routes: one of its `settings.allowedOrigins`. */
export function isAllowedOrigin(settings: unknown, origin: string | undefined): origin is string {
  return origin !== undefined && ((settings as TenantSettingsDto).allowedOrigins ?? []).includes(origin);
}
