import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ApiPage } from '../api-docs/api-page.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { AuditSinkResponse, AuditSinkTestResult, CreatedAuditSinkResponse, RotatedAuditSinkSecretResponse } from './audit-sink.response';
import { AuditSinksService } from './audit-sinks.service';
import { CreateAuditSinkDto } from './dto/create-audit-sink.dto';
import { RotateAuditSinkSecretDto } from './dto/rotate-audit-sink-secret.dto';
import { UpdateAuditSinkDto } from './dto/update-audit-sink.dto';

/** A tenant's audit sinks: its own systems that receive its token log and audit events as they are written. */
@ApiTags('audit')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'audit-sinks', version: '1' })
export class AuditSinksController {
  constructor(private readonly sinks: AuditSinksService) {}

  /** Adds a sink and sends it a signed test message; the answer holds its signing secret, shown this once. */
  @Post()
  @ApiErrors('audit_sink_name_taken', 'audit_sink_limit_reached', 'console_reauthentication_required')
  create(@CurrentActor() actor: TenantActor, @Body() body: CreateAuditSinkDto): Promise<CreatedAuditSinkResponse> {
    return this.sinks.create(actor, actor.principal.tenantId, body);
  }

  /** The tenant's sinks with where each stands (delivered position, backlog, last error), newest first. */
  @Get()
  @ApiPage(AuditSinkResponse, 'A page of audit sinks')
  list(@CurrentActor() actor: TenantActor, @Query() query: PageQueryDto) {
    return this.sinks.list(actor.principal.tenantId, query);
  }

  /** One sink, with where it stands. */
  @Get(':id')
  @ApiErrors('audit_sink_not_found')
  get(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<AuditSinkResponse> {
    return this.sinks.get(actor.principal.tenantId, id);
  }

  /** Renames, filters, pauses or resumes a sink; a new URL is stored only if it accepts the signed test message. */
  @Patch(':id')
  @ApiErrors('audit_sink_not_found', 'audit_sink_name_taken', 'console_reauthentication_required')
  update(@CurrentActor() actor: TenantActor, @Param('id') id: string, @Body() body: UpdateAuditSinkDto): Promise<AuditSinkResponse> {
    return this.sinks.update(actor, actor.principal.tenantId, id, body);
  }

  /** Removes a sink; nothing more is sent to it. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('audit_sink_not_found')
  delete(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<void> {
    return this.sinks.delete(actor, actor.principal.tenantId, id);
  }

  /** A new signing secret, shown this once; the one before still signs until the overlap ends. */
  @Post(':id/secret-rotations')
  @ApiErrors('audit_sink_not_found', 'audit_sink_has_no_signing_secret', 'audit_sink_unreadable')
  rotateSecret(
    @CurrentActor() actor: TenantActor,
    @Param('id') id: string,
    @Body() body: RotateAuditSinkSecretDto,
  ): Promise<RotatedAuditSinkSecretResponse> {
    return this.sinks.rotateSecret(actor, actor.principal.tenantId, id, body);
  }

  /** Sends the signed test message to the sink's URL and says how it went. */
  @Post(':id/tests')
  @HttpCode(200)
  @ApiErrors('audit_sink_not_found', 'audit_sink_unreadable')
  test(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<AuditSinkTestResult> {
    return this.sinks.test(actor.principal.tenantId, id);
  }
}
