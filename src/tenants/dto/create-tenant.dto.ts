import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { TenantSettingsDto } from './tenant-settings.dto';

export class CreateTenantDto {
  /**
   * Stable, URL-safe handle: lowercase letters, digits and dashes.
   * @example "acme"
   */
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'slug must be 2-63 lowercase letters, digits or dashes' })
  slug: string;

  @IsString()
  @Length(1, 200)
  name: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;
}
