import { IsOptional, IsUUID } from 'class-validator';
import { issuanceErrors } from '../issuance.errors';
import type { TargetSelection } from '../issuance.service';
import { TokenRequestDto } from './token-request.dto';
import { IsUserId } from '../../common/validation/user-id';

/**
 * The tenant route's request: name the endpoint by id, or by account and the tenant's user id, or the user alone
 * (their only endpoint, or one enrolled on the spot where an account allows it).
 */
export class IssueTokenDto extends TokenRequestDto {
  /**
   * The endpoint (one of your users on one provider account).
   * @example "01937a2e-5f10-7b8c-8e4d-2a6b9c0d1e2f"
   */
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  /** With `userId`, instead of `endpointId`. */
  @IsOptional()
  @IsUUID()
  providerAccountId?: string;

  /**
   * Your own id for the user, with `providerAccountId` or alone.
   * @example "alice_42"
   */
  @IsUserId({ optional: true })
  userId?: string;
}

/** Which endpoint the request names; exactly one way of naming it. */
export function selectionOf({ endpointId, providerAccountId, userId }: IssueTokenDto): TargetSelection {
  if (endpointId && !providerAccountId && !userId) return { endpointId };
  if (!endpointId && userId) return providerAccountId ? { providerAccountId, userId } : { user: userId, canChoose: false };
  throw issuanceErrors.endpoint_reference_required();
}
