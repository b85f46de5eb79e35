import { IsString, Length, Matches } from 'class-validator';
import { UserTokenDto } from '../../issuance/dto/user-token.dto';
import { USER_ID_MESSAGE } from '../../end-users/user-id';

/** A token a service asks for on behalf of one of the tenant's users. */
export class ServiceTokenDto extends UserTokenDto {
  /**
   * The tenant's own id for the user.
   * @example "alice_42"
   */
  @IsString()
  @Length(1, 200)
  @Matches(/^\P{Cc}{1,200}$/u, { message: USER_ID_MESSAGE }) // USER_ID, spelled out for the API docs
  userId: string;
}
