/**
 * Every declared code, as a type. Each errors file adds its own codes to this interface (the `declare module`
 * below its `defineErrors`), so a misspelt code where one is compared or listed fails to compile.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ErrorCodes {}
export type ErrorCode = keyof ErrorCodes;
/** What an errors file adds to `ErrorCodes`: its factories' names. */
export type CodesOf<Factories> = Record<keyof Factories, true>;
