import { ValidateBy, ValidationArguments } from 'class-validator';

/** A flat object of string values: at most `maxKeys` keys of `[A-Za-z0-9_-]`, each value at most `maxLength` characters. */
export function IsStringMap(maxKeys: number, maxLength: number) {
  return ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= maxKeys &&
        Object.entries(value).every(
          ([key, entry]) => /^[A-Za-z0-9_-]{1,64}$/.test(key) && typeof entry === 'string' && entry.length <= maxLength,
        ),
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} must be an object of at most ${maxKeys} string values (keys [A-Za-z0-9_-], values up to ${maxLength} characters)`,
    },
  });
}
