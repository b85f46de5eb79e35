import { Inject, Injectable } from '@nestjs/common';
import { PROVIDERS } from '../providers/provider-list';
import { DEMO_TENANT, DemoTenantHolder } from './demo-tenant';

export interface DemoSignInAnswer {
  status: number;
  body: unknown;
}

/**
 * Plays the tenant's backend: it signs a demo user in by asking Callpass for an end-user session with the tenant's
 * key, over HTTP like any tenant would, and hands the browser only the session (and the providers to show).
 */
@Injectable()
export class DemoService {
  constructor(@Inject(DEMO_TENANT) private readonly tenant: DemoTenantHolder) {}

  async signIn(userId: string): Promise<DemoSignInAnswer> {
    const { baseUrl, slug, tenantKey } = await this.tenant.ready;
    const response = await fetch(`${baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenantKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId, ttlSeconds: 3600 }),
    });
    const body = (await response.json()) as { session?: string; expiresAt?: string };
    if (!response.ok) return { status: response.status, body };
    const providers = PROVIDERS.map(({ name, title }) => ({ name, title }));
    return { status: 201, body: { tenant: slug, userId, session: body.session, expiresAt: body.expiresAt, providers } };
  }
}
