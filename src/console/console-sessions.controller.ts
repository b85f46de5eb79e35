import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ConsoleOnly, Public } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { Actor } from '../auth/principal';
import { AppConfig } from '../config/app-config';
import { CONSOLE_COOKIE, CONSOLE_COOKIE_OPTIONS, consoleCookieOf } from './console-cookie';
import { ConsoleSessionResponse } from './console-session.response';
import { ConsolePrincipal, ConsoleSessionsService } from './console-sessions.service';
import { CreateConsoleSessionDto } from './dto/create-console-session.dto';

/** Signing in to the console (docs/console.md): a key in, a session cookie out. */
@ApiTags('console')
@Controller({ path: 'console/sessions', version: '1' })
export class ConsoleSessionsController {
  constructor(
    private readonly sessions: ConsoleSessionsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Exchanges a tenant or admin key for a console session: a Secure, HttpOnly, SameSite=Strict `__Host-` cookie,
   * and the CSRF token its writes must carry in X-CSRF-Token.
   */
  @Post()
  @Public()
  @ApiErrors('console_disabled', 'console_key_not_allowed', 'api_key_invalid', 'api_key_revoked', 'api_key_expired', 'tenant_suspended')
  async signIn(
    @Body() body: CreateConsoleSessionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsoleSessionResponse> {
    const origin = typeof request.headers.origin === 'string' ? request.headers.origin : undefined;
    const from = { requestId: String(request.id), clientIp: request.ip, origin };
    const { secret, session } = await this.sessions.signIn(body.key, from, consoleCookieOf(request));
    void reply.setCookie(CONSOLE_COOKIE, secret, { ...CONSOLE_COOKIE_OPTIONS, maxAge: this.config.consoleSessionMs / 1000 });
    return session;
  }

  /** The session the cookie holds: who it acts as, until when, and its CSRF token (for a page loaded again). */
  @Get('current')
  @ConsoleOnly()
  @ApiErrors('authentication_required', 'console_session_invalid', 'console_session_expired', 'console_session_revoked', 'console_disabled')
  current(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<ConsoleSessionResponse> {
    return this.sessions.current(actor.principal as ConsolePrincipal, consoleCookieOf(request)!);
  }

  /** Signs out: the session is revoked on the service, and the cookie cleared. */
  @Delete('current')
  @HttpCode(204)
  @ConsoleOnly()
  @ApiErrors(
    'authentication_required',
    'console_session_invalid',
    'console_session_expired',
    'console_session_revoked',
    'csrf_token_invalid',
    'console_disabled',
  )
  async signOut(@CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.sessions.signOut(actor as Actor<ConsolePrincipal>);
    void reply.clearCookie(CONSOLE_COOKIE, CONSOLE_COOKIE_OPTIONS);
  }
}
