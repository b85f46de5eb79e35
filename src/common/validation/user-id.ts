import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

/**
 * What a user id (the tenant's own id for one of its users) may be: 1 to 200 code points, none a control
 * character. Counted in code points everywhere an id comes in (bodies, queries, paths, IdP claims), so an id one route
 * accepts is accepted by every other: class-validator's `Length` alone counts a character followed by a variation
 * selector as one, which let endpoints hold ids that revocation and the browser routes refused.
 */
export const USER_ID_MAX_LENGTH = 200;
export const USER_ID = /^\P{Cc}{1,200}$/u;
export const USER_ID_MESSAGE = 'userId must be 1-200 characters without control characters';

/** A body or query field holding a user id; its rule and its API docs, written once. */
export function IsUserId(options: { optional?: boolean } = {}): PropertyDecorator {
  const docs = { minLength: 1, maxLength: USER_ID_MAX_LENGTH, pattern: USER_ID.source };
  return applyDecorators(
    ...(options.optional ? [IsOptional(), ApiPropertyOptional(docs)] : [ApiProperty(docs)]),
    IsString(),
    Length(1, USER_ID_MAX_LENGTH),
    Matches(USER_ID, { message: USER_ID_MESSAGE }),
  );
}
