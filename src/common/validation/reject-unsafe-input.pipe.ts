import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError, validationFailed } from '../errors/validation-errors';

/** Names every plain object inherits (`toString`, `valueOf`, `hasOwnProperty`, ...). */
const MEMBER_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * One walk over each argument (bodies, queries, paths), refusing with 400 validation_failed:
 * - text PostgreSQL cannot store as sent: U+0000 (not in text at all) and unpaired surrogates (not in JSON), in keys
 *   and values. Nothing legitimate needs either, and in the database they would fail as a 500;
 * - in bodies and queries, keys named like an object's inherited members, refused as unknown properties (as the
 *   whitelist refuses any other): class-transformer skips a key when the instance it builds already has a function
 *   there, so `{"toString": 1}` never reached the whitelist check and was dropped without a word, at any depth and in
 *   free-form objects too. (`__proto__` and `constructor` are refused earlier, by the JSON parser.)
 */
@Injectable()
export class RejectUnsafeInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const memberKeys = metadata.type === 'body' || metadata.type === 'query';
    const offending = findUnsafe(value, metadata.data ?? '', memberKeys);
    if (offending) throw validationFailed([offending]);
    return value;
  }
}

function problemOf(text: string): string | undefined {
  if (text.includes('\0')) return 'must not contain NUL characters';
  if (!text.isWellFormed()) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

function findUnsafe(value: unknown, path: string, memberKeys: boolean): FieldError | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem ? { field: path || 'value', messages: [problem] } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const isArray = Array.isArray(value);
  const object = value as Record<string, unknown>;
  // Runs on every request: a field's path is spelled out only for an object within, or for what is refused.
  for (const key of Object.keys(object)) {
    const child = object[key];
    const problem =
      problemOf(key) ??
      (memberKeys && !isArray && MEMBER_NAMES.has(key) ? `property ${key} should not exist` : undefined) ??
      (typeof child === 'string' ? problemOf(child) : undefined);
    if (problem) return { field: fieldPath(path, key, isArray), messages: [problem] };
    if (child !== null && typeof child === 'object') {
      const found = findUnsafe(child, fieldPath(path, key, isArray), memberKeys);
      if (found) return found;
    }
  }
  return undefined;
}

function fieldPath(path: string, key: string, inArray: boolean): string {
  if (inArray) return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}
