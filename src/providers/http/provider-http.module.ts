import { Module } from '@nestjs/common';
import { ProviderHttpClient } from './provider-http-client';

/** One client (and so one set of circuit breakers) shared by every provider module that imports this. */
@Module({ providers: [ProviderHttpClient], exports: [ProviderHttpClient] })
export class ProviderHttpModule {}
