import { OnModuleDestroy } from '@nestjs/common';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import { DatabaseConnection } from './database-connection';

/** Prisma's client over whichever database was opened at boot. Only repositories use it. */
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(readonly connection: DatabaseConnection) {
    super({ adapter: connection.adapter });
  }

  async isReachable(): Promise<boolean> {
    try {
      await this.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.connection.close();
  }
}

export type TransactionClient = Prisma.TransactionClient;
/** A repository call runs on the shared client or inside a caller's transaction. */
export type Db = PrismaService | TransactionClient;
