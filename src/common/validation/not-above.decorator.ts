import { ValidateBy, ValidationArguments } from 'class-validator';

/** The value must be at most the sibling property `other` (when both are present). */
export function NotAbove(other: string) {
  return ValidateBy({
    name: 'notAbove',
    constraints: [other],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const limit = (args?.object as Record<string, unknown>)[other];
        return typeof value !== 'number' || typeof limit !== 'number' || value <= limit;
      },
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must not exceed ${other}`,
    },
  });
}
