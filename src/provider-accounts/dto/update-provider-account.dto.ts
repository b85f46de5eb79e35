import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Length, ValidateIf, ValidateNested } from 'class-validator';
import { AccountPolicyDto } from './account-policy.dto';
import { IsProviderBaseUrl } from './base-url.decorator';

/**
 * `config` and `secrets` are merged into what is stored (a `null` field removes it), then the result is checked
 * against the provider's schema. Sending `secrets` rotates them; the provider itself cannot change.
 */
export class UpdateProviderAccountDto {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  /** `null` goes back to the provider's own host. */
  @ValidateIf((dto: UpdateProviderAccountDto) => dto.baseUrl !== null && dto.baseUrl !== undefined)
  @IsProviderBaseUrl()
  baseUrl?: string | null;

  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  secrets?: Record<string, unknown>;

  /** Replaces the policy as a whole. */
  @IsOptional()
  @ValidateNested()
  @Type(() => AccountPolicyDto)
  policy?: AccountPolicyDto;

  /** A disabled account mints nothing. */
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}
