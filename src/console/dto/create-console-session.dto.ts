import { IsString, MaxLength } from 'class-validator';

/** A console sign-in: the key is exchanged for a session cookie and is not kept by the browser. */
export class CreateConsoleSessionDto {
  /**
   * A tenant key (`cp_tenant_…`) or an admin key (`cp_admin_…`).
   * @example "cp_tenant_…"
   */
  @IsString()
  @MaxLength(200)
  key: string;
}
