import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError, validationFailed } from '../errors/validation-errors';
import { LONE_SURROGATE } from './unicode';

/**
 * Text PostgreSQL cannot store as sent: U+0000 (not in text at all) and unpaired surrogates (not in JSON). Nothing
 * legitimate needs either. Refused in bodies, queries and paths, keys included, before anything reaches the
 * database (where it would fail as a 500).
 */
@Injectable()
export class RejectUnstorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const offending = findUnstorable(value, metadata.data ?? '');
    if (offending) throw validationFailed([offending]);
    return value;
  }
}

function problemOf(text: string): string | undefined {
  if (text.includes('\0')) return 'must not contain NUL characters';
  if (text.search(LONE_SURROGATE) >= 0) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

function findUnstorable(value: unknown, path: string): FieldError | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem ? { field: path || 'value', messages: [problem] } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const problem = problemOf(key);
    const found = problem ? { field: childPath, messages: [problem] } : findUnstorable(child, childPath);
    if (found) return found;
  }
  return undefined;
}
