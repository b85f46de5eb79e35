import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthGuard } from '@nestjs/passport';
import { ClientOriginsService } from '../../origins/client-origins.service';
import { authErrors } from '../auth.errors';
import { ACCESS_RULE, AccessRule } from '../decorators/access.decorator';
import { API_KEY_STRATEGY } from '../strategies/api-key.strategy';
import { consoleCookieOf } from '../../console/console-cookie';
import { bearerCredential, isSessionPrefixed } from '../strategies/bearer-credential';
import { CONSOLE_SESSION_STRATEGY } from '../strategies/console-session.strategy';
import { END_USER_SESSION_STRATEGY } from '../strategies/end-user-session.strategy';
import { IDENTITY_PROVIDER_STRATEGY } from '../strategies/identity-provider.strategy';

function rethrowCoded<T>(error: unknown, principal: T): T {
  if (error) throw error instanceof Error ? error : authErrors.authentication_required();
  if (!principal) throw authErrors.authentication_required();
  return principal;
}

class ApiKeyGuard extends AuthGuard(API_KEY_STRATEGY) {
  override handleRequest = rethrowCoded;
}

class IdentityProviderGuard extends AuthGuard(IDENTITY_PROVIDER_STRATEGY) {
  override handleRequest = rethrowCoded;
}

class EndUserSessionGuard extends AuthGuard(END_USER_SESSION_STRATEGY) {
  override handleRequest = rethrowCoded;
}

class ConsoleSessionGuard extends AuthGuard(CONSOLE_SESSION_STRATEGY) {
  override handleRequest = rethrowCoded;
}

/**
 * Global guard: every route authenticates unless it is marked `@Public()`; routes declaring no rule are denied.
 * End-user routes take an end user's credential (a Callpass session, or else an identity provider's JWT), console
 * routes a console session's cookie, every other route an API key: on admin and tenant routes, a console session's
 * cookie stands for the key that opened it when no key is sent.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly logger = new Logger(AuthenticationGuard.name);
  private readonly apiKey = new ApiKeyGuard();
  private readonly identityProvider = new IdentityProviderGuard();
  private readonly endUserSession = new EndUserSessionGuard();
  private readonly consoleSession = new ConsoleSessionGuard();

  constructor(
    private readonly reflector: Reflector,
    private readonly origins: ClientOriginsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no access rule; denied`);
      throw authErrors.forbidden();
    }
    if (rule.kind === 'public') return true;
    const http = context.switchToHttp();
    if (rule.kind === 'console' || this.consoleStandsForKey(rule, http.getRequest())) {
      return this.consoleSession.canActivate(context) as Promise<boolean>;
    }
    if (rule.kind !== 'end_user') return this.apiKey.canActivate(context) as Promise<boolean>;
    // Before the credential: a browser must be able to read even a 401, and a foreign page must get nothing.
    this.origins.admit(http.getRequest());
    const strategy = isSessionPrefixed(bearerCredential(http.getRequest())) ? this.endUserSession : this.identityProvider;
    return strategy.canActivate(context) as Promise<boolean>;
  }

  private consoleStandsForKey(rule: AccessRule, request: FastifyRequest): boolean {
    return (rule.kind === 'admin' || rule.kind === 'tenant') && !request.headers.authorization && consoleCookieOf(request) !== undefined;
  }
}
