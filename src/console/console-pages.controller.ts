import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators/access.decorator';
import { commonErrors } from '../common/errors/common.errors';
import { AppConfig } from '../config/app-config';
import { consoleErrors } from './console.errors';
import { ConsoleBuild, ConsoleFilesService } from './console-files.service';

/**
 * The console's page and files (docs/console.md). Every address under /console is the one page, which shows what
 * the address names; the files are named by their digest and cached for good. Its content policy allows only its
 * own files (app.setup.ts).
 */
@ApiExcludeController()
@Public()
@Controller('console')
export class ConsolePagesController {
  constructor(
    private readonly files: ConsoleFilesService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  page(@Res() reply: FastifyReply): void {
    // Asked again each time (it names the files of the build being served), never kept by shared caches.
    void reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache, private').send(this.built().page);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const asset = this.built().assets.get(file);
    if (!asset) throw commonErrors.not_found();
    void reply.header('content-type', asset.contentType).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
  }

  @Get('*')
  pageAt(@Res() reply: FastifyReply): void {
    this.page(reply);
  }

  private built(): ConsoleBuild {
    if (!this.config.consoleEnabled) throw consoleErrors.console_disabled();
    if (!this.files.build) throw consoleErrors.console_not_built();
    return this.files.build;
  }
}
