import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ApiPage } from '../api-docs/api-page.decorator';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { AdminActor } from '../auth/principal';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { AuditSinkResponse, AuditSinkTestResult, CreatedAuditSinkResponse, RotatedAuditSinkSecretResponse } from './audit-sink.response';
import { AuditSinksService } from './audit-sinks.service';
import { CreateAuditSinkDto } from './dto/create-audit-sink.dto';
import { RotateAuditSinkSecretDto } from './dto/rotate-audit-sink-secret.dto';
import { UpdateAuditSinkDto } from './dto/update-audit-sink.dto';

/** Admins manage any tenant's audit sinks, as the tenant would (its id in any case: secrets are bound to the stored form). */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/tenants/:tenantId/audit-sinks', version: '1' })
export class AdminAuditSinksController {
  constructor(private readonly sinks: AuditSinksService) {}

  /** Adds a sink and sends it a signed test message; the answer holds its signing secret, shown this once. */
  @Post()
  @ApiErrors('tenant_not_found', 'audit_sink_name_taken', 'audit_sink_limit_reached', 'console_reauthentication_required')
  create(
    @CurrentActor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Body() body: CreateAuditSinkDto,
  ): Promise<CreatedAuditSinkResponse> {
    return this.sinks.create(actor, tenantId.toLowerCase(), body);
  }

  /** The tenant's sinks with where each stands (delivered position, backlog, last error), newest first. */
  @Get()
  @ApiPage(AuditSinkResponse, 'A page of audit sinks')
  @ApiErrors('tenant_not_found')
  list(@Param('tenantId') tenantId: string, @Query() query: PageQueryDto) {
    return this.sinks.list(tenantId.toLowerCase(), query);
  }

  /** One sink, with where it stands. */
  @Get(':id')
  @ApiErrors('tenant_not_found', 'audit_sink_not_found')
  get(@Param('tenantId') tenantId: string, @Param('id') id: string): Promise<AuditSinkResponse> {
    return this.sinks.get(tenantId.toLowerCase(), id);
  }

  /** Renames, filters, pauses or resumes a sink; a new URL is stored only if it accepts the signed test message. */
  @Patch(':id')
  @ApiErrors('tenant_not_found', 'audit_sink_not_found', 'audit_sink_name_taken', 'console_reauthentication_required')
  update(
    @CurrentActor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Param('id') id: string,
    @Body() body: UpdateAuditSinkDto,
  ): Promise<AuditSinkResponse> {
    return this.sinks.update(actor, tenantId.toLowerCase(), id, body);
  }

  /** Removes a sink; nothing more is sent to it. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('tenant_not_found', 'audit_sink_not_found')
  delete(@CurrentActor() actor: AdminActor, @Param('tenantId') tenantId: string, @Param('id') id: string): Promise<void> {
    return this.sinks.delete(actor, tenantId.toLowerCase(), id);
  }

  /** A new signing secret, shown this once; the one before still signs until the overlap ends. */
  @Post(':id/secret-rotations')
  @ApiErrors('tenant_not_found', 'audit_sink_not_found', 'audit_sink_has_no_signing_secret', 'audit_sink_unreadable')
  rotateSecret(
    @CurrentActor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Param('id') id: string,
    @Body() body: RotateAuditSinkSecretDto,
  ): Promise<RotatedAuditSinkSecretResponse> {
    return this.sinks.rotateSecret(actor, tenantId.toLowerCase(), id, body);
  }

  /** Sends the signed test message to the sink's URL and says how it went. */
  @Post(':id/tests')
  @HttpCode(200)
  @ApiErrors('tenant_not_found', 'audit_sink_not_found', 'audit_sink_unreadable')
  test(@Param('tenantId') tenantId: string, @Param('id') id: string): Promise<AuditSinkTestResult> {
    return this.sinks.test(tenantId.toLowerCase(), id);
  }
}
