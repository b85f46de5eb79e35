/**
 * What a user id (the tenant's own id for one of its users) may be: 1 to 200 code points, none a control
 * character. Counted in code points everywhere an id comes in (bodies, paths, IdP claims), so an id one route
 * accepts is accepted by every other: class-validator's `Length` alone counts a character followed by a variation
 * selector as one, which let endpoints hold ids that revocation and the browser routes refused.
 * DTOs spell the pattern out in `@Matches` (the API docs plugin reads literals only).
 */
export const USER_ID_MAX_LENGTH = 200;
export const USER_ID = /^\P{Cc}{1,200}$/u;
export const USER_ID_MESSAGE = 'userId must be 1-200 characters without control characters';
