import { Module } from '@nestjs/common';
import { ProviderHttpModule } from '../http/provider-http.module';
import { BandwidthAdapter } from './bandwidth.adapter';

@Module({ imports: [ProviderHttpModule], providers: [BandwidthAdapter] })
export class BandwidthModule {}
