import { Module } from '@nestjs/common';
import { AdminTokenLogController } from './admin-token-log.controller';
import { RefusalTallyService } from './refusal-tally';
import { TokenIssuanceLogService } from './token-issuance-log';
import { TokenIssuancesRepository } from './token-issuances.repository';
import { TokenLogController } from './token-log.controller';
import { TokenLogService } from './token-log.service';

/** The token log: every token issued or refused, written in group commits on the hot path, and read back. */
@Module({
  controllers: [TokenLogController, AdminTokenLogController],
  providers: [TokenIssuanceLogService, TokenIssuancesRepository, RefusalTallyService, TokenLogService],
  exports: [TokenIssuanceLogService, TokenIssuancesRepository, RefusalTallyService],
})
export class TokenLogModule {}
