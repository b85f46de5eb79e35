import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, ValidateNested } from 'class-validator';
import { IssuerDto } from './issuer.dto';

/** How the tenant's end users are recognised; replaces the whole configuration. */
export class EndUserAuthDto {
  /** Trusted identity providers (e.g. staging and production), at most 5; `[]` for none. */
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => IssuerDto)
  issuers: IssuerDto[];

  /** Whether the tenant's backend may create Callpass end-user sessions (POST /v1/sessions). */
  @IsBoolean()
  sessions: boolean;
}
