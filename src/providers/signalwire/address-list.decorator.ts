import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';

/** 1 to 10 distinct Fabric address ids: SignalWire's limit for a guest token. */
export const IsAddressList = () =>
  applyDecorators(IsArray(), ArrayMinSize(1), ArrayMaxSize(10), ArrayUnique(), IsUUID('all', { each: true }));
