import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { ApiPage } from '../api-docs/api-page.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { CreateSessionDto } from './dto/create-session.dto';
import { ListSessionsQueryDto } from './dto/list-sessions-query.dto';
import { CreatedSessionResponse, SessionResponse } from './session.response';
import { SessionsService } from './sessions.service';

@ApiTags('end users')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'sessions', version: '1' })
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /** Creates a session for one of your users, to hand to their browser. The credential is shown once. */
  @Post()
  @ApiErrors('end_user_sessions_disabled', 'provider_account_not_found', 'console_reauthentication_required')
  create(@CurrentActor() actor: TenantActor, @Body() body: CreateSessionDto): Promise<CreatedSessionResponse> {
    return this.sessions.create(actor, body);
  }

  /** Lists sessions (prefixes only), newest first. */
  @Get()
  @ApiPage(SessionResponse, 'A page of sessions')
  list(@CurrentActor() actor: TenantActor, @Query() query: ListSessionsQueryDto) {
    return this.sessions.list(actor.principal.tenantId, query);
  }

  /** Reads one session. */
  @Get(':id')
  @ApiErrors('end_user_session_not_found')
  get(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<SessionResponse> {
    return this.sessions.get(actor.principal.tenantId, id);
  }

  /** Revokes a session: its next request is refused. */
  @Delete(':id')
  @ApiErrors('end_user_session_not_found')
  revoke(@CurrentActor() actor: TenantActor, @Param('id') id: string): Promise<SessionResponse> {
    return this.sessions.revoke(actor, id);
  }
}
