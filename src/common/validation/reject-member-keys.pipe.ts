import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError, validationFailed } from '../errors/validation-errors';

/** Names every plain object inherits (`toString`, `valueOf`, `hasOwnProperty`, ...). */
const MEMBER_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Keys named like an object's inherited members, refused as unknown properties (400 validation_failed, as the
 * whitelist refuses any other). class-transformer skips a key when the instance it builds already has a function
 * there, so `{"toString": 1}` never reached the whitelist check and was dropped without a word, at any depth and in
 * free-form objects too. (`__proto__` and `constructor` are refused earlier, by the JSON parser.)
 */
@Injectable()
export class RejectMemberKeysPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    const offending = findMemberKey(value, metadata.data ?? '');
    if (offending) throw validationFailed([offending]);
    return value;
  }
}

function findMemberKey(value: unknown, path: string): FieldError | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const isArray = Array.isArray(value);
  for (const [key, child] of Object.entries(value)) {
    const childPath = isArray ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!isArray && MEMBER_NAMES.has(key)) return { field: childPath, messages: [`property ${key} should not exist`] };
    const found = findMemberKey(child, childPath);
    if (found) return found;
  }
  return undefined;
}
