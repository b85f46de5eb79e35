/** Who a console session acts as, and until when. */
export class ConsoleSessionResponse {
  id: string;
  /** The key's kind: `admin` sees every tenant, `tenant` its own. */
  kind: 'admin' | 'tenant';
  /** The tenant of a tenant key; null for an admin key. */
  tenantId: string | null;
  /** The key the session acts as. */
  keyId: string;
  /** When the session ends however active it is. */
  expiresAt: Date;
  /** Minutes without a request after which it ends. */
  idleMinutes: number;
  /**
   * Sent back in `X-CSRF-Token` on every write the console makes.
   * @example "Yk3l0v…"
   */
  csrfToken: string;
}
