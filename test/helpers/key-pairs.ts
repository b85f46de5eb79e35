import { generateKeyPairSync } from 'node:crypto';

/** A fresh RSA key pair as PEM (PKCS#8 private, SPKI public). */
export function rsaKeyPair(modulusLength = 2048, publicExponent = 65537): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength,
    publicExponent,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

/** A fresh P-256 key pair as PEM. */
export function ecKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}
