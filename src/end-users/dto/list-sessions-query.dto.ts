import { IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class ListSessionsQueryDto extends PageQueryDto {
  /** Only this user's sessions. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  userId?: string;
}
