import { Module } from '@nestjs/common';
import { ProviderHttpModule } from '../http/provider-http.module';
import { TelnyxAdapter } from './telnyx.adapter';

@Module({ imports: [ProviderHttpModule], providers: [TelnyxAdapter] })
export class TelnyxModule {}
