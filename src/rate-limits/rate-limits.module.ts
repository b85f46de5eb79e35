import { Global, Module } from '@nestjs/common';
import { TokenLogModule } from '../token-log/token-log.module';
import { ClientLimitsService } from './client-limits';
import { RateLimitsService } from './rate-limits';

@Global()
@Module({
  imports: [TokenLogModule],
  providers: [RateLimitsService, ClientLimitsService],
  exports: [RateLimitsService, ClientLimitsService],
})
export class RateLimitsModule {}
