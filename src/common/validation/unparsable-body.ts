import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppError } from '../errors/app-error';

/**
 * What the JSON body parser hands on in place of a body it refused (unparsable, too deep, prototype keys): the
 * refusal waits for authentication and the rate limits, so that a caller cannot send malformed bodies past its
 * limits (each would be a 400 and, on a token route, a row of the token log).
 */
export class UnparsableBody {
  constructor(readonly refusal: AppError) {}
}

/**
 * Refuses the request whose body the parser could not take; registered after the other global guards
 * (authentication, limits), so it runs once they have. A guard, not an interceptor: with no interceptor at all, Nest
 * runs a handler without wrapping it in an Observable, which is a measurable share of a token's cost.
 */
@Injectable()
export class UnparsableBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): true {
    const { body } = context.switchToHttp().getRequest<{ body?: unknown }>();
    if (body instanceof UnparsableBody) throw body.refusal;
    return true;
  }
}
