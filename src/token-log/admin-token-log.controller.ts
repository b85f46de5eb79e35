import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage } from '../api-docs/api-page.decorator';
import { AdminOnly } from '../auth/decorators/access.decorator';
import { AdminListTokenIssuancesQueryDto } from './dto/admin-list-token-issuances-query.dto';
import { TokenIssuanceResponse } from './token-issuance.response';
import { TokenLogService } from './token-log.service';

/** Admins read the token log across tenants. */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller({ path: 'admin/token-issuances', version: '1' })
export class AdminTokenLogController {
  constructor(private readonly tokenLog: TokenLogService) {}

  /** Every token issued or refused across tenants (or one tenant's), newest first. */
  @Get()
  @ApiPage(TokenIssuanceResponse, 'A page of the token log')
  list(@Query() query: AdminListTokenIssuancesQueryDto) {
    const { tenantId, ...filter } = query;
    return this.tokenLog.list(tenantId, filter);
  }
}
