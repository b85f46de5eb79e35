import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsOptional, IsUUID } from 'class-validator';

/** `providerOptions` of a SignalWire endpoint. */
export class SignalwireEndpointOptionsDto {
  /** Fabric addresses this user may call with guest and invite tokens: at most 10 (SignalWire's limit). */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  allowedAddresses?: string[];
}
