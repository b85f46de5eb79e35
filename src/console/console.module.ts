import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuditModule } from '../audit/audit.module';
import { ConsoleFilesService } from './console-files.service';
import { ConsolePagesController } from './console-pages.controller';
import { ConsoleSessionsController } from './console-sessions.controller';
import { ConsoleSessionsRepository } from './console-sessions.repository';
import { ConsoleSessionsService } from './console-sessions.service';

/** The tenant console (docs/console.md): its page, its sign-in and sessions. */
@Module({
  imports: [ApiKeysModule, AuditModule],
  controllers: [ConsoleSessionsController, ConsolePagesController],
  providers: [ConsoleSessionsService, ConsoleSessionsRepository, ConsoleFilesService],
  exports: [ConsoleSessionsService],
})
export class ConsoleModule {}
