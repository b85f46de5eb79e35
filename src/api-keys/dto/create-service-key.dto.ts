import { ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { SERVICE_SCOPES, ServiceScope } from '../../auth/decorators/access.decorator';
import { CreateApiKeyDto } from './create-api-key.dto';

/** Body for issuing a key for an internal service. */
export class CreateServiceKeyDto extends CreateApiKeyDto {
  /** What the service may read: `endpoints:read`, `usage:read`. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SERVICE_SCOPES, { each: true })
  scopes: ServiceScope[];
}
