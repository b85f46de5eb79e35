import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage } from '../api-docs/api-page.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { ListTokenIssuancesQueryDto } from './dto/list-token-issuances-query.dto';
import { TokenIssuanceResponse } from './token-issuance.response';
import { TokenLogService } from './token-log.service';

/** A tenant reads its own token log. */
@ApiTags('audit')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'token-issuances', version: '1' })
export class TokenLogController {
  constructor(private readonly tokenLog: TokenLogService) {}

  /** Every token issued or refused for this tenant, newest first. */
  @Get()
  @ApiPage(TokenIssuanceResponse, 'A page of the token log')
  list(@CurrentActor() actor: TenantActor, @Query() query: ListTokenIssuancesQueryDto) {
    return this.tokenLog.list(actor.principal.tenantId, query);
  }
}
