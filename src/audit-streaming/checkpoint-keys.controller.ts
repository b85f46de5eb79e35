import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators/access.decorator';
import { CheckpointKeySet } from './checkpoint-keys.response';
import { CheckpointSigningService } from './checkpoint-signing.service';

/** The public halves of the operator's checkpoint keys, for `callpass audit verify-export --keys`. */
@ApiTags('audit')
@Public()
@Controller({ path: 'audit-stream/keys', version: '1' })
export class CheckpointKeysController {
  constructor(private readonly signer: CheckpointSigningService) {}

  /** A JWK set (Ed25519): the keys audit stream checkpoints are signed with, the current and those before. */
  @Get()
  keys(): Promise<CheckpointKeySet> {
    return this.signer.publicKeys();
  }
}
