import type { FastifyRequest } from 'fastify';

/** The console session's cookie: HttpOnly, SameSite=Strict, the whole site (the console calls /v1/…). */
export const CONSOLE_COOKIE = 'callpass_console';

export function consoleCookieOf(request: FastifyRequest): string | undefined {
  const value = request.cookies?.[CONSOLE_COOKIE];
  return value ? value : undefined;
}
