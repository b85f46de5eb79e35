import { applyDecorators } from '@nestjs/common';
import { ArrayUnique, IsArray, IsIn } from 'class-validator';

export const CAPABILITIES = ['incoming', 'outgoing'] as const;
export type CapabilityName = (typeof CAPABILITIES)[number];

/** A list of distinct capabilities: `incoming` (receive calls), `outgoing` (place calls). */
export const IsCapabilityList = () => applyDecorators(IsArray(), ArrayUnique(), IsIn(CAPABILITIES, { each: true }));
