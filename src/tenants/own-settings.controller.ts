import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-errors.decorator';
import { TenantOnly } from '../auth/decorators/access.decorator';
import { CurrentActor } from '../auth/decorators/current-actor.decorator';
import { TenantActor } from '../auth/principal';
import { OwnSettingsDto } from './dto/own-settings.dto';
import { OwnSettingsResponse } from './own-settings.response';
import { OwnSettingsService } from './own-settings.service';

@ApiTags('settings')
@ApiBearerAuth()
@TenantOnly()
@Controller({ path: 'settings', version: '1' })
export class OwnSettingsController {
  constructor(private readonly settings: OwnSettingsService) {}

  /** Your settings as they apply: allowed origins, token lifetimes, rate limits, and how far you may raise the limits. */
  @Get()
  get(@CurrentActor() actor: TenantActor): Promise<OwnSettingsResponse> {
    return this.settings.get(actor.principal.tenantId);
  }

  /**
   * Replaces your settings as a whole, each limit up to its cap; a rate limit left out goes back to its default (or its
   * cap, if lower), and with a lifetime cap a longest lifetime left out is the cap.
   */
  @Put()
  @ApiErrors('rate_limit_above_cap', 'token_ttl_above_cap')
  replace(@CurrentActor() actor: TenantActor, @Body() body: OwnSettingsDto): Promise<OwnSettingsResponse> {
    return this.settings.replace(actor, body);
  }
}
