import { Matches } from 'class-validator';

export class BandwidthSecretsDto {
  @Matches(/^[\x21-\x7e]{8,256}$/, { message: 'clientSecret must be 8-256 printable characters' })
  clientSecret: string;
}
