/** An Ed25519 public key as a JWK. */
export class CheckpointKey {
  kty: 'OKP';
  crv: 'Ed25519';
  /** The public key (base64url). */
  x: string;
  /** `checkpoint-<encryption key id>`: checkpoints name it in their JWS header. */
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export class CheckpointKeySet {
  keys: CheckpointKey[];
}
