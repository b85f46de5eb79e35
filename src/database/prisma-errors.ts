import { Prisma } from '../generated/prisma/client';

/** Prisma's code for a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  return prismaCode(error) === 'P2002';
}

/** A row vanished between reading and writing it (a concurrent delete): P2025. */
export function isRecordGone(error: unknown): boolean {
  return prismaCode(error) === 'P2025';
}

/** A row it refers to was deleted concurrently: P2003. */
export function isForeignKeyViolation(error: unknown): boolean {
  return prismaCode(error) === 'P2003';
}

function prismaCode(error: unknown): string | undefined {
  return error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;
}

/**
 * Whether a unique violation involves `column`. The adapters report the constraint differently (PGlite: its
 * fields; pg: its index name, which Prisma derives from the column names), so both are checked.
 */
export function isUniqueViolationOn(error: unknown, column: string): boolean {
  if (!isUniqueViolation(error)) return false;
  const constraint = (error as { meta?: { driverAdapterError?: { cause?: { constraint?: { fields?: string[]; index?: string } } } } }).meta
    ?.driverAdapterError?.cause?.constraint;
  return Boolean(constraint?.fields?.includes(column) || constraint?.index?.includes(column));
}

/** Unreachable, dropped, timed out, or cancelled by the statement timeout (57014). */
const UNAVAILABLE_CODES = new Set([
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57014',
]);

/** The database could not be reached or dropped the connection: a 503, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /ECONNREFUSED|Connection terminated|timeout exceeded when trying to connect|Query read timeout|statement timeout|Can't reach database|PGlite is closed/i.test(
    message,
  );
}
