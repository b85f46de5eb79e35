import path from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { DemoController } from './demo.controller';
import { DEMO_FILES, loadDemoFiles } from './demo-files';
import { DEMO_TENANT, DemoTenant } from './demo-tenant';
import { DemoService } from './demo.service';

/**
 * The demo page, for the sandbox only (`npm run sandbox` imports it beside AppModule; `npm start` never does): its
 * sign-in hands out sessions for the demo tenant to anyone who asks.
 */
@Module({})
export class DemoModule {
  static forSandbox(tenant: Promise<DemoTenant>): DynamicModule {
    return {
      module: DemoModule,
      controllers: [DemoController],
      providers: [
        DemoService,
        { provide: DEMO_TENANT, useValue: { ready: tenant } },
        {
          provide: DEMO_FILES,
          useFactory: () => loadDemoFiles(path.join(__dirname, 'page'), path.join(__dirname, '../browser-client/dist')),
        },
      ],
    };
  }
}
