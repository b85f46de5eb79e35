import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { ConsoleSessionsController } from './console-sessions.controller';
import { ConsoleSessionsRepository } from './console-sessions.repository';
import { ConsoleSessionsService } from './console-sessions.service';

/** The tenant console (docs/console.md): its sign-in and sessions. */
@Module({
  imports: [ApiKeysModule],
  controllers: [ConsoleSessionsController],
  providers: [ConsoleSessionsService, ConsoleSessionsRepository],
  exports: [ConsoleSessionsService],
})
export class ConsoleModule {}
