import { CliError } from './cli-error';
import { CliEnvironment, KeyVariable } from './cli-environment';

/** A running Callpass at CALLPASS_URL (default http://127.0.0.1:3000), called with a key from the environment. */
export class ApiClient {
  private readonly baseUrl: string;

  constructor(
    private readonly environment: CliEnvironment,
    private readonly keyVariable: KeyVariable,
  ) {
    this.baseUrl = environment.callpassUrl;
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const key = this.environment.keys[this.keyVariable];
    if (!key)
      throw new CliError(
        `Set ${this.keyVariable} to a ${this.keyVariable === 'CALLPASS_ADMIN_KEY' ? 'cp_admin_' : 'cp_tenant_'}… key first.`,
        2,
      );
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new CliError(`Cannot reach Callpass at ${this.baseUrl}: start it (npm start) or set CALLPASS_URL.`);
    }
    const answer = (response.status === 204 ? {} : await response.json().catch(() => ({}))) as T & {
      error?: { code: string; message: string; details?: Record<string, unknown> };
    };
    if (!response.ok) {
      const error = answer.error;
      const details = error?.details && Object.keys(error.details).length > 0 ? ` ${JSON.stringify(error.details)}` : '';
      throw new CliError(error ? `${error.code}: ${error.message}${details}` : `HTTP ${response.status}`);
    }
    return answer;
  }
}
