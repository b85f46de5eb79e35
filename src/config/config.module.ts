import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { validateEnvironment } from './environment';

@Global()
@Module({
  imports: [
    NestConfigModule.forRoot({
      cache: true,
      // Nest copies what `validate` returns into process.env. Returning the input (not the defaults-filled
      // result) keeps defaults out of process.env, where they would mask settings made after import.
      validate: (raw) => {
        validateEnvironment(raw);
        return raw;
      },
    }),
  ],
  providers: [{ provide: AppConfig, useFactory: () => AppConfig.fromEnvironment(process.env) }],
  exports: [AppConfig],
})
export class ConfigModule {}
