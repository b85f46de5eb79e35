import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors, validationFailed } from '../errors/validation-errors';

/**
 * Validates a nested object against a DTO class chosen at run time (e.g. a provider's credential schema),
 * with the same rules as the global pipe: unknown fields are refused. Field paths are prefixed with `path`.
 */
export function validateObject<T extends object>(schema: ClassConstructor<T>, value: unknown, path: string): T {
  const instance = plainToInstance(schema, value ?? {});
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    // A schema with no fields (a token kind without options) must accept `{}` and refuse anything in it.
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw validationFailed(flattenValidationErrors(errors, path));
  return instance;
}
