import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { AccountPolicyDto } from './account-policy.dto';
import { IsProviderBaseUrl } from './base-url.decorator';

/** `config` and `secrets` are checked against the provider's own schema (see docs/api.md, Provider credentials). */
export class CreateProviderAccountDto {
  /**
   * The provider's name (a refusal lists those Callpass supports).
   * @example "twilio"
   */
  @Matches(/^[a-z][a-z0-9_-]{1,31}$/, { message: 'provider must be a provider name such as "twilio"' })
  provider: string;

  /** @example "twilio-main" */
  @IsString()
  @Length(1, 100)
  name: string;

  /** Overrides the provider's API host; omit for the provider's own. */
  @IsOptional()
  @IsProviderBaseUrl()
  baseUrl?: string;

  /**
   * Non-secret provider settings, returned as stored (docs/api.md lists each provider's).
   * @example { "accountSid": "AC00000000000000000000000000000001", "apiKeySid": "SK00000000000000000000000000000001", "outgoingApplicationSid": "AP00000000000000000000000000000001" }
   */
  @IsObject()
  config: Record<string, unknown>;

  /**
   * Provider secrets: encrypted at rest, never returned (only a masked hint).
   * @example { "apiKeySecret": "your32characterapikeysecret00001" }
   */
  @IsObject()
  secrets: Record<string, unknown>;

  @IsOptional()
  @ValidateNested()
  @Type(() => AccountPolicyDto)
  policy?: AccountPolicyDto;
}
