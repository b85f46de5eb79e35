import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { OverviewQueryDto } from './dto/overview-query.dto';
import { OverviewResponse } from './overview.response';
import { OverviewService } from './overview.service';

@ApiTags('audit')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'overview', version: '1' })
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  /** Your tokens over the last hour, day or week: per provider and outcome, refusals by code, issuance latency. */
  @Get()
  @ApiErrors('validation_failed')
  get(@CurrentActor() actor: TenantActor, @Query() query: OverviewQueryDto): Promise<OverviewResponse> {
    return this.overview.overview(actor.principal.tenantId, query.range);
  }
}
