/** The console's calls to the REST API: same origin, the session cookie, and the CSRF token on every write. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}

/** What the API adds to some refusals: for `validation_failed`, which fields and why. */
export interface ErrorDetails {
  fields?: { field: string; messages: string[] }[];
  [key: string]: unknown;
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Callpass could not be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const answer = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: ErrorDetails } };
  if (!response.ok) {
    throw new ApiError(
      response.status,
      answer.error?.code ?? 'unknown_error',
      answer.error?.message ?? `The request failed (${response.status})`,
      answer.error?.details,
    );
  }
  return answer as T;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface ConsoleSession {
  id: string;
  kind: 'admin' | 'tenant';
  tenantId: string | null;
  keyId: string;
  expiresAt: string;
  idleMinutes: number;
  csrfToken: string;
}
