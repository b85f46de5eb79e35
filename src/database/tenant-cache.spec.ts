import { FakeClock } from '../../test/helpers/fake-clock';
import { ChangeFeedService } from './change-feed';
import { DatabaseConnection } from './database-connection';
import { TenantCache } from './tenant-cache';

interface Row {
  tenantId: string;
  version: number;
}

/** A feed that is listening (so caches keep values) on a connection that hears nothing: changes come from `changed`. */
async function listeningFeed(): Promise<ChangeFeedService> {
  const connection = {
    listen: async (_channel: string, handlers: { onListening(): void }) => {
      handlers.onListening();
      return async () => undefined;
    },
  } as unknown as DatabaseConnection;
  const feed = new ChangeFeedService(connection);
  await feed.onModuleInit();
  return feed;
}

/** A feed whose listening connection the test loses and restores, as a dropped LISTEN connection would. */
async function droppableFeed(): Promise<{ feed: ChangeFeedService; lose: () => void; restore: () => void }> {
  let handlers: { onGap(): void; onListening(): void } | undefined;
  const connection = {
    listen: async (_channel: string, given: { onGap(): void; onListening(): void }) => {
      handlers = given;
      given.onListening();
      return async () => undefined;
    },
  } as unknown as DatabaseConnection;
  const feed = new ChangeFeedService(connection);
  await feed.onModuleInit();
  return { feed, lose: () => handlers!.onGap(), restore: () => handlers!.onListening() };
}

/** A `load` that counts its calls; each call waits until `finish` answers it. */
function heldLoad() {
  const pending: ((row: Row) => void)[] = [];
  const load = jest.fn(() => new Promise<Row>((resolve) => pending.push(resolve)));
  const finish = (row: Row) => {
    const answer = pending.shift();
    if (!answer) throw new Error('no load is waiting');
    answer(row);
  };
  return { load, finish };
}

describe('TenantCache', () => {
  const tenantOf = (row: Row) => row.tenantId;

  it('keeps a loaded value: the next get does not load again', async () => {
    const cache = new TenantCache<Row>(10, 60_000, new FakeClock(), await listeningFeed());
    const { load, finish } = heldLoad();

    const first = cache.get('key', load, tenantOf);
    finish({ tenantId: 'tenant-a', version: 1 });
    expect(await first).toEqual({ tenantId: 'tenant-a', version: 1 });

    expect(await cache.get('key', load, tenantOf)).toEqual({ tenantId: 'tenant-a', version: 1 });
    expect(load).toHaveBeenCalledTimes(1);
  });

  // The value may have been read before the change committed: keeping it would serve stale data for a whole TTL.
  it.each([
    ['its own tenant', 'tenant-a'],
    ['every tenant', undefined],
  ])('does not keep a value whose load was under way when %s changed', async (_case, changedTenant) => {
    const feed = await listeningFeed();
    const cache = new TenantCache<Row>(10, 60_000, new FakeClock(), feed);
    const { load, finish } = heldLoad();

    const first = cache.get('key', load, tenantOf);
    feed.changed(changedTenant);
    finish({ tenantId: 'tenant-a', version: 1 });
    expect(await first).toEqual({ tenantId: 'tenant-a', version: 1 });

    const second = cache.get('key', load, tenantOf);
    expect(load).toHaveBeenCalledTimes(2);
    finish({ tenantId: 'tenant-a', version: 2 });
    expect(await second).toEqual({ tenantId: 'tenant-a', version: 2 });
  });

  it('keeps nothing while the change feed is lost (a change then goes unheard), and keeps again once it is back', async () => {
    const { feed, lose, restore } = await droppableFeed();
    const cache = new TenantCache<Row>(10, 60_000, new FakeClock(), feed);
    let version = 0;
    const load = jest.fn(async () => ({ tenantId: 'tenant-a', version: (version += 1) }));

    await cache.get('key', load, tenantOf);
    lose();
    expect(feed.reliable).toBe(false);
    expect(await cache.get('key', load, tenantOf)).toEqual({ tenantId: 'tenant-a', version: 2 });
    expect(await cache.get('key', load, tenantOf)).toEqual({ tenantId: 'tenant-a', version: 3 });
    restore();
    expect(await cache.get('key', load, tenantOf)).toEqual({ tenantId: 'tenant-a', version: 4 });
    expect(await cache.get('key', load, tenantOf)).toEqual({ tenantId: 'tenant-a', version: 4 });
    expect(load).toHaveBeenCalledTimes(4);
  });
});
