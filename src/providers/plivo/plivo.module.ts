import { Module } from '@nestjs/common';
import { ProviderHttpModule } from '../http/provider-http.module';
import { PlivoAdapter } from './plivo.adapter';

@Module({ imports: [ProviderHttpModule], providers: [PlivoAdapter] })
export class PlivoModule {}
