import { Module } from '@nestjs/common';
import { TwilioAdapter } from './twilio.adapter';

@Module({ providers: [TwilioAdapter] })
export class TwilioModule {}
