import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pathOf } from '../common/logging/logged-path';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { Public } from '../auth/decorators/access.decorator';
import { BrowserClientBuild, BrowserClientFilesService } from './browser-client-files.service';
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
    const { name, version, url, script, integrity } = this.built();
    void reply.header('access-control-allow-origin', '*');
    return { name, version, script: { url, integrity, bytes: script.length } };
  }

  /**
   * The whole library in one file, defining a global `Callpass`, at the URL `GET /v1/browser` names. Never changes:
   * other bytes get another URL.
   */
  @Get(':version/:file')
  @ApiProduces('text/javascript')
  @ApiOkResponse({ description: 'The script', schema: { type: 'string' } })
  @ApiErrors('browser_client_build_unknown', 'browser_client_not_built')
  script(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const build = this.built();
    if (pathOf(request.url) !== build.url) throw browserClientHostingErrors.browser_client_build_unknown({ served: build.url });
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
