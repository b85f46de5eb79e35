import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { PrismaService } from '../database/prisma.service';

export interface ConsoleSessionRow {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  /** The hash of the key that opened it: the session authenticates as that key. */
  keyHash: string;
}

export interface NewConsoleSession {
  id: string;
  apiKeyId: string;
  secretHash: string;
  /** From the service's clock, as the session's other times: the sign-in's age is measured against it. */
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** Console sessions belong to a key (tenant or admin), not to a tenant: they are found by their secret's hash. */
@Injectable()
export class ConsoleSessionsRepository {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection,
  ) {}

  async findForAuthentication(secretHash: string): Promise<ConsoleSessionRow | undefined> {
    const [row] = await this.db.query<ConsoleSessionRow>(
      `SELECT s.id, s.created_at AS "createdAt", s.last_seen_at AS "lastSeenAt", s.expires_at AS "expiresAt",
              s.revoked_at AS "revokedAt", k.secret_hash AS "keyHash"
         FROM console_sessions s JOIN api_keys k ON k.id = s.api_key_id
        WHERE s.secret_hash = $1`,
      [secretHash],
    );
    return row;
  }

  async create(session: NewConsoleSession): Promise<void> {
    await this.prisma.consoleSession.create({ data: session });
  }

  /** Conditional, so that concurrent requests of the same minute write once. */
  async touch(id: string, now: Date, staleBefore: Date): Promise<void> {
    await this.prisma.consoleSession.updateMany({ where: { id, lastSeenAt: { lt: staleBefore } }, data: { lastSeenAt: now } });
  }

  /** The session with this id, or whose cookie's secret has this hash, unless it already ended. */
  async revoke(session: { id: string } | { secretHash: string }, now: Date): Promise<void> {
    await this.prisma.consoleSession.updateMany({ where: { ...session, revokedAt: null }, data: { revokedAt: now } });
  }
}
