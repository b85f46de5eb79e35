import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createHttpAdapter } from '../../src/app.setup';
import { Public } from '../../src/auth/decorators/access.decorator';
import { AuthenticationGuard } from '../../src/auth/guards/authentication.guard';
import { ErrorObserver, HttpExceptionFilter } from '../../src/common/errors/http-exception.filter';
import { createLogger } from '../../src/common/logging/logger';
import { ClientOriginsService } from '../../src/origins/client-origins.service';

@Controller('probe')
class ProbeController {
  @Get('undeclared')
  undeclared() {
    return { reached: true };
  }

  @Public()
  @Get('public')
  open() {
    return { reached: true };
  }
}

@Module({
  controllers: [ProbeController],
  providers: [
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: ClientOriginsService, useValue: {} },
  ],
})
class ProbeModule {}

/**
 * The global guard denies a route that declares no access rule (a controller someone forgot to decorate): 403
 * forbidden, as any other refusal is answered, rather than running it or failing with a 500.
 */
describe('a route declaring no access rule', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(createLogger('silent')), { logger: false });
    const observer: ErrorObserver = { observe: () => Promise.resolve() };
    app.useGlobalFilters(new HttpExceptionFilter(observer));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());

  it('is denied with 403 forbidden, while a public one beside it answers', async () => {
    const fastify = app.getHttpAdapter().getInstance();
    const open = await fastify.inject({ method: 'GET', url: '/probe/public' });
    expect([open.statusCode, open.json()]).toEqual([200, { reached: true }]);
    const undeclared = await fastify.inject({ method: 'GET', url: '/probe/undeclared' });
    expect([undeclared.statusCode, undeclared.json().error?.code]).toEqual([403, 'forbidden']);
  });
});
