import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { consoleCookieOf } from '../../console/console-cookie';
import { ConsolePrincipal, ConsoleSessionsService } from '../../console/console-sessions.service';
import { authErrors } from '../auth.errors';

export const CONSOLE_SESSION_STRATEGY = 'console-session';

/** Only these skip the CSRF token: no route changes anything on them. */
const READS = new Set(['GET', 'HEAD']);

/** The console's session cookie; a write must also carry the session's CSRF token in X-CSRF-Token. */
@Injectable()
export class ConsoleSessionStrategy extends PassportStrategy(Strategy, CONSOLE_SESSION_STRATEGY) {
  constructor(private readonly sessions: ConsoleSessionsService) {
    super();
  }

  validate(request: FastifyRequest): Promise<ConsolePrincipal> {
    const secret = consoleCookieOf(request);
    if (!secret) throw authErrors.authentication_required();
    if (READS.has(request.method)) return this.sessions.authenticate(secret);
    const token = request.headers['x-csrf-token'];
    return this.sessions.authenticate(secret, typeof token === 'string' ? token : '');
  }
}
