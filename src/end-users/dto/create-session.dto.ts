import { ArrayMinSize, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { CapabilityName } from '../../providers/capabilities';
import { IsCapabilityList } from '../../provider-accounts/dto/capabilities';
import { IsUserId } from '../../common/validation/user-id';

export const DEFAULT_SESSION_SECONDS = 900;
export const MAX_SESSION_SECONDS = 86_400;

/** A session for one of the tenant's users, to hand to their browser. */
export class CreateSessionDto {
  /**
   * Your own id for the user: the session can mint only for this user's endpoints.
   * @example "alice_42"
   */
  @IsUserId()
  userId: string;

  /** Narrower than the user's endpoints allow, if given (at least one). */
  @IsOptional()
  @IsCapabilityList()
  @ArrayMinSize(1)
  capabilities?: CapabilityName[];

  /** Limits the session to the user's endpoint on this account. */
  @IsOptional()
  @IsUUID()
  providerAccountId?: string;

  /**
   * How long the session lasts: 60 s to 24 h, default 15 min.
   * @example 900
   */
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SESSION_SECONDS)
  ttlSeconds?: number;
}
