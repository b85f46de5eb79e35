import { applyDecorators } from '@nestjs/common';
import { ArrayUnique, IsArray, IsIn } from 'class-validator';
import { CAPABILITIES } from '../../providers/capabilities';

/** A list of distinct capabilities: `incoming` (receive calls), `outgoing` (place calls). */
export const IsCapabilityList = () => applyDecorators(IsArray(), ArrayUnique(), IsIn(CAPABILITIES, { each: true }));
