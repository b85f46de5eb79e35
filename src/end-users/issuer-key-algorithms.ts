import { KeyObject } from 'node:crypto';
import { SHARED_SECRET_ALGORITHMS } from './dto/issuer.dto';

/** jose's floor for RSA keys (RFC 7518 section 3.3 asks for 2048 bits); it refuses smaller ones with a TypeError. */
export const MIN_RSA_BITS = 2048;

const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALGORITHMS: Partial<Record<string, string[]>> = { prime256v1: ['ES256'], secp384r1: ['ES384'], secp521r1: ['ES512'] };

/**
 * The signature algorithms jose verifies with an issuer's configured key (a PEM public key, or a shared secret);
 * none for a key it cannot use at all (RSA-PSS keys, other curves, RSA under 2048 bits). jose answers a key of the
 * wrong type, curve or size with its runtime's errors rather than its own, so the verifier asks this first.
 */
export function algorithmsOfKey(key: KeyObject): readonly string[] {
  if (key.type === 'secret') return SHARED_SECRET_ALGORITHMS;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return (details.modulusLength ?? 0) >= MIN_RSA_BITS ? RSA_ALGORITHMS : [];
    case 'ec':
      return EC_ALGORITHMS[details.namedCurve ?? ''] ?? [];
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      return [];
  }
}
