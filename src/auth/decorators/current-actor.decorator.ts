import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Actor, Principal } from '../principal';

/** The authenticated caller plus request metadata. Throws if no guard authenticated the request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
  if (!request.user) throw new Error('CurrentActor used on a route that did not authenticate');
  return {
    principal: request.user,
    requestId: String(request.id),
    clientIp: request.ip,
    origin: typeof request.headers.origin === 'string' ? request.headers.origin : undefined,
  };
});
