import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { authErrors } from '../auth.errors';
import { ACCESS_RULE, AccessRule } from '../decorators/access.decorator';
import { Principal } from '../principal';

/**
 * Runs after authentication: the principal's kind (and a service key's scopes) must match the route's rule. An end
 * user's tenant is already the route's: the end-user strategy authenticates for the tenant the path names.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<AccessRule>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (rule.kind === 'public') return true;
    const principal = context.switchToHttp().getRequest<{ user: Principal }>().user;
    if (rule.kind === 'console') {
      if ((principal.kind === 'admin' || principal.kind === 'tenant') && principal.consoleSessionId) return true;
      throw authErrors.forbidden();
    }
    if (principal.kind !== rule.kind) throw authErrors.forbidden();
    if (rule.kind === 'service' && principal.kind === 'service' && !principal.scopes.includes(rule.scope)) {
      throw authErrors.insufficient_scope({ requiredScope: rule.scope });
    }
    return true;
  }
}
