import { Global, Module } from '@nestjs/common';
import { TokenLogModule } from '../token-log/token-log.module';
import { ClientLimits } from './client-limits';
import { RateLimits } from './rate-limits';

@Global()
@Module({
  imports: [TokenLogModule],
  providers: [RateLimits, ClientLimits],
  exports: [RateLimits, ClientLimits],
})
export class RateLimitsModule {}
