import type { FastifyRequest } from 'fastify';

/** The credential of `Authorization: Bearer <credential>`; never read from the query string or body. */
export function bearerCredential(request: FastifyRequest): string | undefined {
  return /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** Session credentials are told apart by their prefix, so each goes to its own strategy. */
export function isSessionPrefixed(credential: string | undefined): boolean {
  return credential?.startsWith('cp_sess_') ?? false;
}
