import { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { SHARED_SECRET_ALGORITHMS } from './dto/issuer.dto';

/** jose's floor for RSA keys (RFC 7518 section 3.3 asks for 2048 bits); it refuses smaller ones with a TypeError. */
export const MIN_RSA_BITS = 2048;

const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
/** By curve, as a JWK names it. */
const EC_ALGORITHMS: Partial<Record<string, string[]>> = { 'P-256': ['ES256'], 'P-384': ['ES384'], 'P-521': ['ES512'] };
const EDDSA_ALGORITHMS = ['EdDSA', 'Ed25519'];
/** Node's names for the same curves. */
const JWK_CURVE: Partial<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

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
      return EC_ALGORITHMS[JWK_CURVE[details.namedCurve ?? ''] ?? ''] ?? [];
    case 'ed25519':
      return EDDSA_ALGORITHMS;
    default:
      return [];
  }
}

/** The same for a key of an issuer's key set (JWKS). */
export function algorithmsOfJwk(key: JWK): readonly string[] {
  if (key.kty === 'RSA') return rsaBits(key) >= MIN_RSA_BITS ? RSA_ALGORITHMS : [];
  if (key.kty === 'EC') return EC_ALGORITHMS[key.crv ?? ''] ?? [];
  if (key.kty === 'OKP' && key.crv === 'Ed25519') return EDDSA_ALGORITHMS;
  return [];
}

/** The size of an RSA key's modulus, in bits (0 when it has none). */
function rsaBits(key: JWK): number {
  const modulus = typeof key.n === 'string' ? Buffer.from(key.n, 'base64url') : Buffer.alloc(0);
  const first = modulus.findIndex((byte) => byte !== 0);
  return first < 0 ? 0 : (modulus.length - first - 1) * 8 + (32 - Math.clz32(modulus[first]));
}
