import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { AppError } from '../errors/app-error';

/**
 * What the JSON body parser hands on in place of a body it refused (unparsable, too deep, prototype keys): the
 * refusal waits for authentication and the rate limits, so that a caller cannot send malformed bodies past its
 * limits (each would be a 400 and, on a token route, a row of the token log).
 */
export class UnparsableBody {
  constructor(readonly refusal: AppError) {}
}

/** Refuses the request whose body the parser could not take, once the guards (authentication, limits) have run. */
@Injectable()
export class UnparsableBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { body } = context.switchToHttp().getRequest<{ body?: unknown }>();
    if (body instanceof UnparsableBody) throw body.refusal;
    return next.handle();
  }
}
