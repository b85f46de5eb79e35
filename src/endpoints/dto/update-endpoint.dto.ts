import { IsBoolean, IsObject, IsOptional } from 'class-validator';
import { CapabilityName } from '../../providers/capabilities';
import { IsCapabilityList } from '../../provider-accounts/dto/capabilities';

/** Changes what an endpoint may do. Its account, user and identity are fixed: create a new endpoint instead. */
export class UpdateEndpointDto {
  @IsOptional()
  @IsCapabilityList()
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
