/** A failure the CLI explains in one line and exits with `exitCode` (1: refused or failed, 2: wrong usage). */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
