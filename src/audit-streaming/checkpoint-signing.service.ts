import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CompactSign, exportJWK } from 'jose';
import { canonicalJson } from '../audit-chain/chain-encoding';
import { SecretBox } from '../crypto/secret-box';
import { CheckpointKey, CheckpointKeySet } from './checkpoint-keys.response';
import { CheckpointClaim, StreamCheckpoint } from './stream-events';

/** PKCS#8 DER of an Ed25519 private key, up to its 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Signs checkpoints with the operator's Ed25519 keys, one derived from each encryption key (so every replica signs
 * alike, and the keys rotate with ENCRYPTION_KEYS): the primary's signs, all are published at
 * GET /v1/audit-stream/keys, and `callpass audit verify-export` checks a stream against that key set offline.
 */
@Injectable()
export class CheckpointSigningService {
  private readonly signingKid: string;
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(secretBox: SecretBox) {
    for (const [keyId, seed] of secretBox.derivedKeys('audit-checkpoint-signing')) {
      this.privateKeys.set(
        `checkpoint-${keyId}`,
        createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
      );
    }
    this.signingKid = `checkpoint-${secretBox.primaryKeyId}`;
  }

  async sign(claim: CheckpointClaim): Promise<StreamCheckpoint> {
    const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(claim)))
      .setProtectedHeader({ alg: 'EdDSA', kid: this.signingKid })
      .sign(this.privateKeys.get(this.signingKid)!);
    return { type: 'checkpoint', ...claim, jws };
  }

  async publicKeys(): Promise<CheckpointKeySet> {
    const keys = await Promise.all(
      [...this.privateKeys].map(async ([kid, privateKey]): Promise<CheckpointKey> => {
        const { x } = await exportJWK(createPublicKey(privateKey));
        return { kty: 'OKP', crv: 'Ed25519', x: x!, kid, alg: 'EdDSA', use: 'sig' };
      }),
    );
    return { keys };
  }
}
