import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class ListEndpointsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  userId?: string;

  @IsOptional()
  @IsUUID()
  providerAccountId?: string;
}
