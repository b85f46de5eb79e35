import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Page } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';
import { usePagedList } from '../paged-list';

interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  createdAt: string;
}

/** The operator's list of tenants (admin key): found by slug, each suspended or reactivated. */
export function TenantsPage() {
  const [slug, setSlug] = useState('');
  const list = usePagedList((cursor?: string) => {
    const params = new URLSearchParams({ limit: '100' });
    if (slug) params.set('slug', slug);
    if (cursor) params.set('cursor', cursor);
    return api<Page<Tenant>>('GET', `/v1/admin/tenants?${params.toString()}`);
  });
  useEffect(() => void list.load(), []);

  async function toggle(tenant: Tenant) {
    list.setError(undefined);
    try {
      await api('PATCH', `/v1/admin/tenants/${tenant.id}`, { status: tenant.status === 'active' ? 'suspended' : 'active' });
      await list.load();
    } catch (caught) {
      list.setError(caught as ApiError);
    }
  }

  return (
    <>
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void list.load();
        }}
      >
        <label for="tenant-slug">Slug</label>
        <input id="tenant-slug" value={slug} onInput={(event) => setSlug((event.target as HTMLInputElement).value)} />
        <button type="submit">Search</button>
      </form>
      {list.error && <ErrorNotice error={list.error} />}
      {list.rows && list.rows.length === 0 && (
        <EmptyState title={slug ? 'No tenant with this slug' : 'No tenant yet'}>
          Create one with <code>POST /v1/admin/tenants</code> or <code>callpass tenants create</code>, then give it a key.
        </EmptyState>
      )}
      {list.rows && list.rows.length > 0 && (
        <DataTable
          caption="Tenants, newest first"
          rows={list.rows}
          columns={[
            { header: 'Name', cell: (tenant) => tenant.name },
            { header: 'Slug', cell: (tenant) => <code>{tenant.slug}</code> },
            { header: 'Status', cell: (tenant) => tenant.status },
            { header: 'Created', cell: (tenant) => new Date(tenant.createdAt).toLocaleString() },
            {
              header: 'Action',
              cell: (tenant) => (
                <button type="button" onClick={() => void toggle(tenant)}>
                  {tenant.status === 'active' ? 'Suspend' : 'Reactivate'} <span class="visually-hidden">{tenant.name}</span>
                </button>
              ),
            },
          ]}
        />
      )}
      {list.next && (
        <button type="button" class="more" onClick={() => void list.load(list.next!)}>
          Older tenants
        </button>
      )}
    </>
  );
}
