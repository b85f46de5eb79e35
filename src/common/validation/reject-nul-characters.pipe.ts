import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError, validationFailed } from '../errors/validation-errors';

/**
 * PostgreSQL text cannot hold U+0000, and nothing legitimate needs it. Refused in bodies, queries and paths
 * before anything reaches the database (where it would fail as a 500).
 */
@Injectable()
export class RejectNulCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const offending = findNul(value, metadata.data ?? '');
    if (offending) throw validationFailed([offending]);
    return value;
  }
}

function findNul(value: unknown, path: string): FieldError | undefined {
  if (typeof value === 'string')
    return value.includes('\0') ? { field: path || 'value', messages: ['must not contain NUL characters'] } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const found = key.includes('\0') ? { field: childPath, messages: ['must not contain NUL characters'] } : findNul(child, childPath);
    if (found) return found;
  }
  return undefined;
}
