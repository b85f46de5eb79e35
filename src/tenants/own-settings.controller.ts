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

  /** Your settings as they apply: allowed origins, token lifetimes, rate limits and how far you may raise them. */
  @Get()
  get(@CurrentActor() actor: TenantActor): Promise<OwnSettingsResponse> {
    return this.settings.get(actor.principal.tenantId);
  }

  /** Replaces your settings as a whole; a rate limit left out goes back to its default. */
  @Put()
  @ApiErrors('rate_limit_above_cap')
  replace(@CurrentActor() actor: TenantActor, @Body() body: OwnSettingsDto): Promise<OwnSettingsResponse> {
    return this.settings.replace(actor, body);
  }
}
