import { Controller, HttpCode, Options, Param, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { Public } from '../auth/decorators/access.decorator';
import { IssuedTokenResponse } from '../issuance/issued-token.response';
import { PROVIDER_ERRORS } from '../issuance/token-route-errors';
import { SignalwireEmbedsService } from './signalwire-embeds.service';

/** Public: called by click-to-call widgets in browsers, locked to the tenant's allowed origins. */
@ApiTags('public')
@Public()
@Controller({ path: 'signalwire/embeds/:providerAccountId/tokens', version: '1' })
export class SignalwireEmbedsController {
  constructor(private readonly embeds: SignalwireEmbedsService) {}

  /** Exchanges the account's click-to-call token for a guest SAT (SignalWire), for a page on an allowed origin. */
  @Post()
  @ApiErrors(
    'embed_not_found',
    'origin_not_allowed',
    'rate_limited',
    'capability_not_allowed',
    'lifetime_exceeds_policy',
    ...PROVIDER_ERRORS,
  )
  async exchange(
    @Param('providerAccountId') accountId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssuedTokenResponse> {
    const origin = request.headers.origin;
    const result = await this.embeds.exchange({ accountId, origin, clientIp: request.ip, requestId: String(request.id) });
    allowOrigin(reply, origin!);
    return result;
  }

  /** CORS preflight: answered only for the tenant's allowed origins. */
  @Options()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'CORS headers for an allowed origin; none otherwise' })
  @ApiErrors('rate_limited')
  async preflight(
    @Param('providerAccountId') accountId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const origin = await this.embeds.allowedOrigin(accountId, request.headers.origin);
    if (origin) {
      allowOrigin(reply, origin);
      reply
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600');
    }
  }
}

function allowOrigin(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
}
