import { IsOptional, IsUUID, Matches } from 'class-validator';
import { TokenRequestDto } from './token-request.dto';

/**
 * A token for a known user (the end user themselves, or a service on their behalf): the user's endpoint on the
 * named account, or on the account of the named provider, or their only one.
 */
export class UserTokenDto extends TokenRequestDto {
  @IsOptional()
  @IsUUID()
  providerAccountId?: string;

  /** @example "twilio" */
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{1,31}$/)
  provider?: string;
}
