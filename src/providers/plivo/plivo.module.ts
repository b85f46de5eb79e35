import { Module } from '@nestjs/common';
import { PlivoAdapter } from './plivo.adapter';

@Module({ providers: [PlivoAdapter] })
export class PlivoModule {}
