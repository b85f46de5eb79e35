import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { TenantSettingsDto } from './tenant-settings.dto';

/** A tenant's slug, as its browser routes carry it. */
export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

export class CreateTenantDto {
  /**
   * Stable, URL-safe handle: lowercase letters, digits and dashes.
   * @example "acme"
   */
  @Matches(TENANT_SLUG, { message: 'slug must be 2-63 lowercase letters, digits or dashes' })
  slug: string;

  @IsString()
  @Length(1, 200)
  name: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;
}
