import { Module } from '@nestjs/common';
import { OverviewController } from './overview.controller';
import { OverviewService } from './overview.service';
import { TokenRollupsRepository } from './token-rollups.repository';
import { TokenRollupsService } from './token-rollups.service';

/** Tokens counted per tenant and minute as they are issued or refused, and the overview charted from those counts. */
@Module({
  controllers: [OverviewController],
  providers: [TokenRollupsRepository, TokenRollupsService, OverviewService],
  exports: [TokenRollupsService],
})
export class OverviewModule {}
