import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { AdminActor } from '../auth/principal';
import { KeyUsageResponse, RewrapReportResponse } from './key-rotation.responses';
import { KeyRotationService } from './key-rotation.service';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/encryption-keys', version: '1' })
export class KeyRotationController {
  constructor(private readonly rotation: KeyRotationService) {}

  /** Which key-encryption key wraps how many stored secrets. */
  @Get()
  usage(): Promise<KeyUsageResponse> {
    return this.rotation.usage();
  }

  /** Re-wraps every stored secret with the primary key, online. `remaining: 0` means older keys can go. */
  @Post('rewrap')
  @HttpCode(200)
  rewrap(@CurrentActor() actor: AdminActor): Promise<RewrapReportResponse> {
    return this.rotation.rewrapAll(actor);
  }
}
