import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/principal';
import { Clock } from '../common/clock/clock';
import { requireRecentSignIn } from '../console/recent-sign-in';
import { isUuid, uuidv7 } from '../common/ids';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { invalidField } from '../common/errors/validation-errors';
import { toJsonObject } from '../common/json';
import { providedFields } from '../common/provided-fields';
import { SecretBox } from '../crypto/secret-box';
import { Db } from '../database/prisma.service';
import { isUniqueViolation } from '../database/prisma-errors';
import { OutboundPolicyService } from '../outbound/outbound-policy';
import { TenantsService } from '../tenants/tenants.service';
import { AuditSinkResponse, AuditSinkTestResult, CreatedAuditSinkResponse, RotatedAuditSinkSecretResponse } from './audit-sink.response';
import { AuditSinksRepository, AuditSinkWithCursors } from './audit-sinks.repository';
import { auditStreamingErrors } from './audit-streaming.errors';
import { CreateAuditSinkDto } from './dto/create-audit-sink.dto';
import { RotateAuditSinkSecretDto } from './dto/rotate-audit-sink-secret.dto';
import { DEFAULT_BATCH_EVENTS, DEFAULT_SECRET_OVERLAP_SECONDS, SINK_LOGS, TOKEN_OUTCOMES } from './dto/sink-filters';
import { UpdateAuditSinkDto } from './dto/update-audit-sink.dto';
import { newWebhookSecret, openSinkSecrets, sealSinkSecrets, SinkSecrets } from './sink-secrets';
import { checkDestination, sinkTarget } from './sink-destinations';
import { SinkTarget } from './sink-adapters/sink-adapter';
import { SinkAdapterRegistry } from './sink-adapters/sink-adapter-registry';

/** Sinks per tenant: each is polled and delivered to by the replicas, so their number is bounded. */
export const MAX_SINKS_PER_TENANT = 10;

/**
 * A tenant's audit sinks: created with a secret shown once and a signed test message, changed, paused and resumed,
 * their secrets rotated with an overlap. Every change is audited (and so streamed to the sinks themselves).
 */
@Injectable()
export class AuditSinksService {
  constructor(
    private readonly sinks: AuditSinksRepository,
    private readonly tenants: TenantsService,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly outbound: OutboundPolicyService,
    private readonly adapters: SinkAdapterRegistry,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, tenantId: string, dto: CreateAuditSinkDto): Promise<CreatedAuditSinkResponse> {
    requireRecentSignIn(actor.principal, this.clock.now());
    checkDestination(this.outbound, dto.kind, dto.url, dto);
    const id = uuidv7();
    const secret = dto.kind === 'webhook' ? newWebhookSecret() : undefined;
    const secrets: SinkSecrets = { current: secret, ...dto.credentials };
    const config = dto.region ? { region: dto.region } : {};
    const logs = dto.logs ?? [...SINK_LOGS];
    await this.audit.recordChange(actor, 'audit_sink.created', { type: 'audit_sink', id, tenantId }, async (tx) => {
      await this.tenants.get(tenantId, tx);
      if ((await this.sinks.count(tenantId, tx)) >= MAX_SINKS_PER_TENANT) {
        throw auditStreamingErrors.audit_sink_limit_reached({ limit: MAX_SINKS_PER_TENANT });
      }
      const sink = await this.sinks
        .create(
          tenantId,
          {
            id,
            kind: dto.kind,
            name: dto.name,
            url: dto.url,
            config,
            logs,
            tokenOutcomes: dto.tokenOutcomes ?? [...TOKEN_OUTCOMES],
            maxBatchEvents: dto.maxBatchEvents ?? DEFAULT_BATCH_EVENTS,
            ...sealSinkSecrets(this.secretBox, tenantId, id, secrets),
          },
          tx,
        )
        .catch(nameTaken);
      await this.sinks.createCursors(tenantId, id, logs, dto.startAt ?? 'now', this.clock.now(), tx);
      return { result: sink, details: { kind: sink.kind, name: sink.name, logs, startAt: dto.startAt ?? 'now' } };
    });
    const test = await this.sendTest(dto.kind, { id, tenantId, url: dto.url, config, secrets });
    return { ...(await this.get(tenantId, id)), ...(secret && { secret }), test };
  }

  async get(tenantId: string, id: string): Promise<AuditSinkResponse> {
    return AuditSinkResponse.from(await this.find(tenantId, id), await this.sinks.deliveryState(tenantId), this.clock.now());
  }

  async list(tenantId: string, query: PageQueryDto): Promise<Page<AuditSinkResponse>> {
    await this.tenants.get(tenantId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.sinks.list(tenantId, decodeCursor(query.cursor), limit + 1);
    const state = await this.sinks.deliveryState(tenantId);
    const now = this.clock.now();
    return toPage(
      rows,
      limit,
      (row) => row.createdAt,
      (row) => AuditSinkResponse.from(row, state, now),
    );
  }

  /** A new destination (URL, region, credentials) is tested first and stored only if the test message is delivered. */
  async update(
    actor: Actor,
    tenantId: string,
    id: string,
    dto: UpdateAuditSinkDto,
  ): Promise<AuditSinkResponse & { test?: AuditSinkTestResult }> {
    const moves = dto.url !== undefined || dto.region !== undefined || dto.credentials !== undefined;
    let moved: SinkTarget | undefined;
    let test: AuditSinkTestResult | undefined;
    if (moves) {
      requireRecentSignIn(actor.principal, this.clock.now());
      const current = await this.find(tenantId, id);
      checkDestination(this.outbound, current.kind as CreateAuditSinkDto['kind'], dto.url ?? current.url, {
        ...dto,
        credentialsStored: true,
      });
      // Stored credentials go where the URL says: whoever moves them to another host must prove they know them.
      if (current.kind === 'object_storage' && dto.url && new URL(dto.url).host !== new URL(current.url).host && !dto.credentials) {
        throw invalidField('credentials', 'moving an object storage sink to another host requires sending its credentials again');
      }
      const stored = sinkTarget(this.secretBox, current);
      moved = {
        ...stored,
        url: dto.url ?? stored.url,
        config: dto.region ? { ...stored.config, region: dto.region } : stored.config,
        secrets: { ...stored.secrets, ...dto.credentials },
      };
      test = await this.sendTest(current.kind, moved);
    }
    const destination =
      moved && test?.delivered
        ? {
            url: moved.url,
            config: toJsonObject(moved.config),
            ...(dto.credentials && sealSinkSecrets(this.secretBox, tenantId, id, moved.secrets)),
          }
        : {};
    await this.audit.recordChange(actor, 'audit_sink.updated', { type: 'audit_sink', id, tenantId }, async (tx) => {
      const current = await this.find(tenantId, id, tx);
      const pause =
        dto.paused === undefined ? {} : dto.paused ? { paused: true, pausedReason: 'by_request' } : { paused: false, pausedReason: null };
      const updated = await this.sinks
        .update(
          tenantId,
          id,
          { name: dto.name, tokenOutcomes: dto.tokenOutcomes, maxBatchEvents: dto.maxBatchEvents, ...pause, ...destination },
          tx,
        )
        .catch(nameTaken);
      if (dto.paused === false && current.paused) await this.sinks.retryNow(tenantId, id, this.clock.now(), tx);
      const refusedMove = ['url', 'region', 'credentials'];
      return {
        result: updated,
        details: { changed: providedFields(dto).filter((field) => test?.delivered !== false || !refusedMove.includes(field)) },
      };
    });
    return { ...(await this.get(tenantId, id)), ...(test && { test }) };
  }

  async delete(actor: Actor, tenantId: string, id: string): Promise<void> {
    await this.audit.recordChange(actor, 'audit_sink.deleted', { type: 'audit_sink', id, tenantId }, async (tx) => {
      const sink = await this.find(tenantId, id, tx);
      await this.sinks.delete(tenantId, id, tx);
      return { result: undefined, details: { kind: sink.kind, name: sink.name } };
    });
  }

  /** A webhook's new signing secret, shown once; the one before keeps signing (a second signature) until the overlap ends. */
  async rotateSecret(actor: Actor, tenantId: string, id: string, dto: RotateAuditSinkSecretDto): Promise<RotatedAuditSinkSecretResponse> {
    const secret = newWebhookSecret();
    const overlapSeconds = dto.overlapSeconds ?? DEFAULT_SECRET_OVERLAP_SECONDS;
    const previousUntil = overlapSeconds > 0 ? new Date(this.clock.now().getTime() + overlapSeconds * 1000) : null;
    await this.audit.recordChange(actor, 'audit_sink.secret_rotated', { type: 'audit_sink', id, tenantId }, async (tx) => {
      const sink = await this.find(tenantId, id, tx);
      if (sink.kind !== 'webhook') throw auditStreamingErrors.audit_sink_has_no_signing_secret({ kind: sink.kind });
      const current = openSinkSecrets(this.secretBox, sink);
      const secrets = previousUntil
        ? { current: secret, previous: current.current, previousUntil: previousUntil.toISOString() }
        : { current: secret };
      await this.sinks.update(tenantId, id, sealSinkSecrets(this.secretBox, tenantId, id, secrets), tx);
      return { result: undefined, details: { overlapSeconds } };
    });
    return { secret, previousSecretValidUntil: previousUntil };
  }

  /** Sends the test message again, to where the sink is. */
  async test(tenantId: string, id: string): Promise<AuditSinkTestResult> {
    const sink = await this.find(tenantId, id);
    return this.sendTest(sink.kind, sinkTarget(this.secretBox, sink));
  }

  private async sendTest(kind: string, target: SinkTarget): Promise<AuditSinkTestResult> {
    return AuditSinkTestResult.from(await this.adapters.of(kind).test(target));
  }

  /** The tenant's sink, or `audit_sink_not_found` (also for another tenant's id); `tenant_not_found` first. */
  private async find(tenantId: string, id: string, db?: Db): Promise<AuditSinkWithCursors> {
    await this.tenants.get(tenantId, db);
    const sink = isUuid(id) ? await this.sinks.find(tenantId, id, db) : null;
    if (!sink) throw auditStreamingErrors.audit_sink_not_found();
    return sink;
  }
}

function nameTaken(error: unknown): never {
  throw isUniqueViolation(error) ? auditStreamingErrors.audit_sink_name_taken() : error;
}
