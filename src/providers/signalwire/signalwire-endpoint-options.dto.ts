import { IsOptional } from 'class-validator';
import { IsAddressList } from './address-list.decorator';

/** `providerOptions` of a SignalWire endpoint. */
export class SignalwireEndpointOptionsDto {
  /** Fabric addresses this user may call with guest and invite tokens: at most 10 (SignalWire's limit). */
  @IsOptional()
  @IsAddressList()
  allowedAddresses?: string[];
}
