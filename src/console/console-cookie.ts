import type { FastifyRequest } from 'fastify';

/**
 * The console session's cookie: always Secure (browsers keep it over https, and over http only on this machine), and
 * `__Host-` so that no subdomain or plain-http answer can plant or shadow it: host-only, the whole site (the console
 * calls /v1/…). HttpOnly, SameSite=Strict.
 */
export const CONSOLE_COOKIE = '__Host-callpass_console';

export const CONSOLE_COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'strict', secure: true } as const;

export function consoleCookieOf(request: FastifyRequest): string | undefined {
  const value = request.cookies?.[CONSOLE_COOKIE];
  return value ? value : undefined;
}
