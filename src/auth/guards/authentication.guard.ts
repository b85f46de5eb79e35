import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { authErrors } from '../auth.errors';
import { ACCESS_RULE, AccessRule } from '../decorators/access.decorator';
import { API_KEY_STRATEGY } from '../strategies/api-key.strategy';

/** Global guard: every route authenticates unless it is marked `@Public()`; routes declaring no rule are denied. */
@Injectable()
export class AuthenticationGuard extends AuthGuard(API_KEY_STRATEGY) {
  private readonly logger = new Logger(AuthenticationGuard.name);

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no access rule; denied`);
      throw authErrors.forbidden();
    }
    if (rule.kind === 'public') return true;
    return super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, principal: T): T {
    if (error) throw error instanceof Error ? error : authErrors.authentication_required();
    if (!principal) throw authErrors.authentication_required();
    return principal;
  }
}
