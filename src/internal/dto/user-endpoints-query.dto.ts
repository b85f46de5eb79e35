import { IsString, Length } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class UserEndpointsQueryDto extends PageQueryDto {
  /** The tenant's own id for the user. */
  @IsString()
  @Length(1, 200)
  userId: string;
}
