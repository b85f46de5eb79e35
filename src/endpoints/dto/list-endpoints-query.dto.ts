import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsUserId } from '../../common/validation/user-id';

export class ListEndpointsQueryDto extends PageQueryDto {
  /** Your user's endpoints: what identity each has at its provider account. */
  @IsUserId({ optional: true })
  userId?: string;

  /**
   * The endpoints with this identity at the provider (for instance the `client:` name of a Twilio call), and so
   * the user each belongs to. Derived identities (`u` and 24 hex digits) are named here too.
   */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  identity?: string;

  @IsOptional()
  @IsUUID()
  providerAccountId?: string;
}
