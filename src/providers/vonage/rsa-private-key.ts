import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { ValidateBy, ValidationArguments } from 'class-validator';

/** Vonage generates 2048-bit application keys; a shorter one is refused. */
export const MIN_RSA_KEY_BITS = 2048;
/**
 * Every token is signed with the key on the event loop, and the cost grows with the cube of its size (2048 bits:
 * 0.3 ms; 4096: about 7 ms): a tenant's larger key would slow every tenant on the replica.
 */
export const MAX_RSA_KEY_BITS = 4096;
/** Longer than a 4096-bit key's PEM (about 3.3 KB): nothing longer is parsed. */
const MAX_PEM_LENGTH = 4096;
/** The exponent every key generator uses; a large one makes verifying (at Vonage) slow. */
const PUBLIC_EXPONENT = 65537n;

/** PKCS#8's encrypted form, and PKCS#1 with OpenSSL's legacy encryption header. */
const ENCRYPTED_PEM = /BEGIN ENCRYPTED PRIVATE KEY|Proc-Type: 4,ENCRYPTED/;
const NOT_A_PEM_KEY = 'must be an RSA private key in PEM (a "BEGIN PRIVATE KEY" or "BEGIN RSA PRIVATE KEY" block, with real line breaks)';
/** A PEM block's BEGIN or END line. */
const PEM_MARKER = /-----(BEGIN|END) [^\r\n]*?-----/g;

/**
 * Why `value` cannot sign RS256 tokens, or undefined if it can. The answer never quotes the value: a key that is
 * almost right is still a secret. PKCS#8 and PKCS#1 PEM are accepted; encrypted keys are refused, since Callpass
 * keeps no passphrase.
 */
export function rsaPrivateKeyProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_PEM_LENGTH) return NOT_A_PEM_KEY;
  const shape = pemShapeProblem(value);
  if (shape) return shape;
  // By its PEM markers: OpenSSL's error for a missing passphrase differs between versions.
  if (ENCRYPTED_PEM.test(value)) return 'is encrypted: store the key without a passphrase';
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: value, format: 'pem' });
  } catch {
    return isPublicKey(value) ? 'is a public key: store the private key of the application' : NOT_A_PEM_KEY;
  }
  if (key.asymmetricKeyType !== 'rsa') return `must be an RSA key (tokens are signed with RS256), not ${key.asymmetricKeyType}`;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_KEY_BITS || bits > MAX_RSA_KEY_BITS)
    return `must be ${MIN_RSA_KEY_BITS} to ${MAX_RSA_KEY_BITS} bits long, not ${bits}`;
  return key.asymmetricKeyDetails?.publicExponent === PUBLIC_EXPONENT ? undefined : 'must have the public exponent 65537';
}

/**
 * One PEM block and nothing else but whitespace. OpenSSL parses only the first block, so anything after it (a second,
 * weaker key; a certificate) would be stored unchecked, and text before it is not a key either.
 */
function pemShapeProblem(value: string): string | undefined {
  const markers = [...value.matchAll(PEM_MARKER)];
  const blocks = Math.max(...(['BEGIN', 'END'] as const).map((kind) => markers.filter((marker) => marker[1] === kind).length));
  if (blocks > 1) return `must be one PEM block, not ${blocks}: store only the application's private key`;
  if (markers.length !== 2) return undefined; // no whole block: the parser's refusal says what a key looks like
  const [begin, end] = markers;
  const outside = value.slice(0, begin.index) + value.slice(end.index + end[0].length);
  return begin[1] === 'BEGIN' && outside.trim() === '' ? undefined : NOT_A_PEM_KEY;
}

function isPublicKey(value: string): boolean {
  try {
    return createPublicKey({ key: value, format: 'pem' }).type === 'public';
  } catch {
    return false;
  }
}

/** An unencrypted RSA private key in PEM, 2048 to 4096 bits (see `rsaPrivateKeyProblem`). */
export function IsRsaPrivateKeyPem() {
  return ValidateBy({
    name: 'isRsaPrivateKeyPem',
    validator: {
      validate: (value: unknown) => rsaPrivateKeyProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} ${rsaPrivateKeyProblem(args?.value)}`,
    },
  });
}
