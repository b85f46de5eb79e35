import { Module } from '@nestjs/common';
import { ProviderHttpModule } from '../http/provider-http.module';
import { VonageAdapter } from './vonage.adapter';

@Module({ imports: [ProviderHttpModule], providers: [VonageAdapter] })
export class VonageModule {}
