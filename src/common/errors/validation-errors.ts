import { ValidationError } from 'class-validator';
import { AppError } from './app-error';
import { commonErrors } from './common.errors';

export interface FieldError {
  field: string;
  messages: string[];
}

/** Flattens class-validator's nested errors into `{ field: "a.b[0].c", messages }` entries. Values are never echoed. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export function validationFailed(fields: FieldError[]): AppError {
  return commonErrors.validation_failed({ fields });
}

export function invalidField(field: string, message: string): AppError {
  return validationFailed([{ field, messages: [message] }]);
}
