import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsUserId } from '../../common/validation/user-id';

export class ListSessionsQueryDto extends PageQueryDto {
  /** Only this user's sessions. */
  @IsUserId({ optional: true })
  userId?: string;
}
