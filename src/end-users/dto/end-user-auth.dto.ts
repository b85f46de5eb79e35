import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, ValidateNested } from 'class-validator';
import { IssuerDto } from './issuer.dto';

/** How the tenant's end users are recognised; replaces the whole configuration (what is left out is turned off). */
export class EndUserAuthDto {
  /** Trusted identity providers (e.g. staging and production), at most 5; `[]` (the default) for none. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => IssuerDto)
  issuers: IssuerDto[] = [];

  /** Whether the tenant's backend may create Callpass end-user sessions (POST /v1/sessions); default false. */
  @IsOptional()
  @IsBoolean()
  sessions: boolean = false;
}
