import { Injectable } from '@nestjs/common';
import { TenantCache, TenantCachesService } from '../database/tenant-cache';
import { TenantsRepository } from './tenants.repository';

type TenantOfRoute = NonNullable<Awaited<ReturnType<TenantsRepository['findBySlug']>>>;

/**
 * The tenant a browser route names: read by every browser request (its origin, then its user), so kept in memory
 * briefly and dropped when the tenant changes on any replica (TenantCache).
 */
@Injectable()
export class TenantsBySlugService {
  private readonly cache: TenantCache<TenantOfRoute>;

  constructor(
    private readonly tenants: TenantsRepository,
    caches: TenantCachesService,
  ) {
    this.cache = caches.create('tenants_by_slug', 10_000);
  }

  find(slug: string): Promise<TenantOfRoute | undefined> {
    return this.cache.get(
      slug,
      async () => (await this.tenants.findBySlug(slug)) ?? undefined,
      (tenant) => tenant.id,
    );
  }
}
