import { ArrayUnique, IsArray, IsBoolean, IsIn, IsObject, IsOptional } from 'class-validator';
import { CAPABILITIES, CapabilityName } from '../../provider-accounts/dto/account-policy.dto';

/** Changes what an endpoint may do. Its account, user and identity are fixed: create a new endpoint instead. */
export class UpdateEndpointDto {
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(CAPABILITIES, { each: true })
  capabilities?: CapabilityName[];

  /** A disabled endpoint mints nothing. */
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  /** Merged into the stored provider-specific settings. */
  @IsOptional()
  @IsObject()
  providerOptions?: Record<string, unknown>;
}
