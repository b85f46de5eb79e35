import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsUserId } from '../../common/validation/user-id';

export class UserEndpointsQueryDto extends PageQueryDto {
  /** The tenant's own id for the user. */
  @IsUserId()
  userId: string;
}
