import { Module } from '@nestjs/common';
import { SignalwireAdapter } from './signalwire.adapter';

@Module({ providers: [SignalwireAdapter] })
export class SignalwireModule {}
