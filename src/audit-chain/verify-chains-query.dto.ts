import { IsOptional, IsUUID } from 'class-validator';

export class VerifyChainsQueryDto {
  /** Only this tenant's chains; omit for every chain. */
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}
