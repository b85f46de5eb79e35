import { IsString, Length, Matches } from 'class-validator';
import { UserTokenDto } from '../../issuance/dto/user-token.dto';

/** A token a service asks for on behalf of one of the tenant's users. */
export class ServiceTokenDto extends UserTokenDto {
  /**
   * The tenant's own id for the user.
   * @example "alice_42"
   */
  @IsString()
  @Length(1, 200)
  @Matches(/^\P{Cc}+$/u, { message: 'userId must not contain control characters' })
  userId: string;
}
