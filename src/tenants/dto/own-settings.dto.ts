import { OmitType } from '@nestjs/swagger';
import { TenantSettingsDto } from './tenant-settings.dto';

/** The settings a tenant changes itself: everything but the caps its operator sets. */
export class OwnSettingsDto extends OmitType(TenantSettingsDto, ['rateLimitCaps', 'tokenTtlCapSeconds'] as const) {}
