import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DATABASE_CONNECTION, DatabaseConnection } from './database-connection';
import { TransactionClient } from './prisma.service';

const CHANNEL = 'callpass_changes';
/** The payload for data that belongs to no single tenant (admin and service keys): every cached entry goes. */
const EVERY_TENANT = '*';

type ChangeListener = (tenantId: string | undefined) => void;

/**
 * Tells every replica whose data changed, so that their caches let go of it: a PostgreSQL NOTIFY inside the change's
 * own transaction (delivered to every listening replica when it commits, never if it rolls back), and this process
 * at once after the commit, so its next request sees the change.
 */
@Injectable()
export class ChangeFeedService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ChangeFeed');
  private readonly listeners = new Set<ChangeListener>();
  private listening = false;
  private stopListening?: () => Promise<void>;

  constructor(@Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection) {}

  /** Whether every change is being heard: caches keep nothing while it is not. */
  get reliable(): boolean {
    return this.listening;
  }

  /** `tenantId` undefined: anything may have changed. */
  onChange(listener: ChangeListener): void {
    this.listeners.add(listener);
  }

  /** Within the change's transaction. Ids in any case name the same tenant: the feed speaks lower case. */
  async announce(tx: TransactionClient, tenantId: string | undefined): Promise<void> {
    await tx.$executeRaw`SELECT pg_notify(${CHANNEL}, ${tenantId?.toLowerCase() ?? EVERY_TENANT})`;
  }

  /** After the change committed, in this process. */
  changed(tenantId: string | undefined): void {
    for (const listener of this.listeners) listener(tenantId?.toLowerCase());
  }

  async onModuleInit(): Promise<void> {
    this.stopListening = await this.db.listen(CHANNEL, {
      onMessage: (payload) => this.changed(payload === EVERY_TENANT ? undefined : payload),
      onGap: () => {
        this.logger.warn('Lost the change feed (LISTEN connection); caching is off until it is back');
        this.listening = false;
        this.changed(undefined);
      },
      onListening: () => {
        this.listening = true;
        this.changed(undefined);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.listening = false;
    await this.stopListening?.();
  }
}
