import { IsRsaPrivateKeyPem } from './rsa-private-key';

export class VonageSecretsDto {
  /** The Vonage application's private key (PEM), which signs every token; Vonage keeps only the public half. */
  @IsRsaPrivateKeyPem()
  privateKey: string;
}
