import { IsOptional, IsUUID, Matches } from 'class-validator';

/** Non-secret SignalWire settings (providers/signalwire.md). */
export class SignalwireConfigDto {
  /** The space name: "example" for example.signalwire.com. */
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'space must be the space name, e.g. "example" for example.signalwire.com' })
  space: string;

  @IsUUID()
  projectId: string;

  /** Fabric application subscriber tokens are tied to (`application_id`). */
  @IsOptional()
  @IsUUID()
  applicationId?: string;
}
