import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { Public } from '../auth/decorators/access.decorator';
import { BrowserClientBuild, BrowserClientFilesService, SCRIPT_FILE } from './browser-client-files.service';
import { browserClientHostingErrors } from './browser-client-hosting.errors';
import { BrowserClientResponse } from './browser-client.response';

/**
 * `@callpass/browser` served by Callpass itself, for a `<script>` tag on a tenant's page. It holds no secret, so any
 * origin may fetch it (with `crossorigin`, which Subresource Integrity needs).
 */
@ApiTags('browser library')
@Public()
@Controller({ path: 'browser', version: '1' })
export class BrowserClientController {
  constructor(private readonly files: BrowserClientFilesService) {}

  /** The version of `@callpass/browser` this server serves, its URL and its Subresource Integrity hash. */
  @Get()
  @ApiErrors('browser_client_not_built')
  describe(@Res({ passthrough: true }) reply: FastifyReply): BrowserClientResponse {
    const { name, version, script, integrity } = this.built();
    void reply.header('access-control-allow-origin', '*');
    return { name, version, script: { url: `/v1/browser/${version}/${SCRIPT_FILE}`, integrity, bytes: script.length } };
  }

  /** The whole library in one file, defining a global `Callpass`. Never changes: a new version gets a new URL. */
  @Get(`:version/${SCRIPT_FILE}`)
  @ApiProduces('text/javascript')
  @ApiOkResponse({ description: 'The script', schema: { type: 'string' } })
  @ApiErrors('browser_client_version_unknown', 'browser_client_not_built')
  script(@Param('version') version: string, @Res() reply: FastifyReply): void {
    const build = this.built();
    if (version !== build.version) throw browserClientHostingErrors.browser_client_version_unknown({ served: build.version });
    void reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(build.script);
  }

  private built(): BrowserClientBuild {
    if (!this.files.build) throw browserClientHostingErrors.browser_client_not_built();
    return this.files.build;
  }
}
