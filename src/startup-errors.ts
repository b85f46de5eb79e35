import { ConfigValidationError } from './config/environment';
import { DataDirInUseError } from './database/data-dir-lock';
import { MigrationError } from './database/migrator';

interface SystemError {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
  message?: string;
}

/**
 * What went wrong at startup, in one line that names the setting to change and what to do, for the problems an
 * operator causes and can fix (the stack goes to the debug log). Undefined for anything else, which is a bug.
 */
export function describeStartupError(error: unknown, listening?: { host: string; port: number }): string | undefined {
  if (error instanceof ConfigValidationError || error instanceof MigrationError || error instanceof DataDirInUseError) return error.message;
  const { code, syscall, address, port, hostname, message = '' } = (error ?? {}) as SystemError;
  if (syscall === 'listen' || (listening && hostname === listening.host)) {
    const where = `${listening?.host ?? address}:${listening?.port ?? port}`;
    if (code === 'EADDRINUSE') return `Port ${where} is in use (another Callpass?): stop that process, or set PORT to a free port.`;
    if (code === 'EACCES') return `Listening on ${where} needs privileges: set PORT above 1023.`;
    return `HOST=${listening?.host ?? address} is not an address of this machine: use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).`;
  }
  if (code === 'ECONNREFUSED')
    return `Cannot reach PostgreSQL at ${address}:${port} (DATABASE_URL): start it, or unset DATABASE_URL to use the embedded database.`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The host ${hostname} in DATABASE_URL does not resolve: fix DATABASE_URL.`;
  if (code === '28P01' || code === '28000') return `PostgreSQL refused the user in DATABASE_URL (${message}): fix the user or password.`;
  if (code === '3D000') return `The database in DATABASE_URL does not exist (${message}): create it (createdb <name>) or fix DATABASE_URL.`;
  if (code === 'ETIMEDOUT' || /timeout exceeded when trying to connect/i.test(message)) {
    return 'PostgreSQL in DATABASE_URL did not answer within 5 s: check that it runs and that this machine can reach it.';
  }
  if (code === 'EACCES' || code === 'EROFS')
    return `Cannot write to DATA_DIR (${message}): make it writable, or set DATA_DIR to another folder.`;
  return undefined;
}
