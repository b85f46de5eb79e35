import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock/clock';
import { InMemoryRateLimiter, RateLimiter } from './rate-limit/rate-limiter';

@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: RateLimiter, inject: [Clock], useFactory: (clock: Clock) => new InMemoryRateLimiter(clock) },
  ],
  exports: [Clock, RateLimiter],
})
export class CommonModule {}
