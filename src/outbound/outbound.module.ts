import { Global, Module } from '@nestjs/common';
import { OUTBOUND_EXTRA_CA_CERTIFICATES, OUTBOUND_RESOLVER, OutboundPolicyService } from './outbound-policy';
import { systemResolver } from './guarded-dispatcher';

/** The one way out to tenant-chosen URLs; every module that calls one uses this policy's dispatcher. */
@Global()
@Module({
  providers: [
    { provide: OUTBOUND_RESOLVER, useValue: systemResolver },
    { provide: OUTBOUND_EXTRA_CA_CERTIFICATES, useValue: [] },
    OutboundPolicyService,
  ],
  exports: [OutboundPolicyService],
})
export class OutboundModule {}
