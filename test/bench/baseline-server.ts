import 'reflect-metadata';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { createLogger, PinoNestLogger } from '../../src/common/logging/logger';
import { TwilioAdapter } from '../../src/providers/twilio/twilio.adapter';

/**
 * The benchmark's baseline: the same Nest + Fastify stack and the same Twilio signing, minus everything a real
 * issuance adds (API-key lookup, endpoint and account queries, decryption, policy, the audit insert).
 */
@Controller('sign')
class SignController {
  private readonly request = JSON.parse(process.env.BASELINE_MINT!) as { config: object; secrets: object; identity: string };

  constructor(private readonly twilio: TwilioAdapter) {}

  @Post()
  async sign(@Body() _body: unknown) {
    const { config, secrets, identity } = this.request;
    const minted = await this.twilio.mint({
      identity,
      kind: 'access_token',
      tokenId: 'baseline',
      account: { id: 'baseline', updatedAt: new Date(0), config, secrets },
      capabilities: ['incoming', 'outgoing'],
      ttlSeconds: 600,
      maxTtlSeconds: 86_400,
      now: new Date(),
      endpointData: {},
      options: {},
    } as Parameters<TwilioAdapter['mint']>[0]);
    return { token: minted.token, expiresAt: minted.expiresAt };
  }
}

@Module({ controllers: [SignController], providers: [TwilioAdapter] })
class BaselineModule {}

async function main() {
  const logger = createLogger('warn');
  const app = await NestFactory.create<NestFastifyApplication>(BaselineModule, createHttpAdapter(logger), {
    logger: new PinoNestLogger(logger),
  });
  await configureApp(app);
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
