import { UserTokenDto } from '../../issuance/dto/user-token.dto';
import { IsUserId } from '../../common/validation/user-id';

/** A token a service asks for on behalf of one of the tenant's users. */
export class ServiceTokenDto extends UserTokenDto {
  /**
   * The tenant's own id for the user.
   * @example "alice_42"
   */
  @IsUserId()
  userId: string;
}
