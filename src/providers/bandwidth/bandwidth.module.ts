import { Module } from '@nestjs/common';
import { BandwidthAdapter } from './bandwidth.adapter';

@Module({ providers: [BandwidthAdapter] })
export class BandwidthModule {}
