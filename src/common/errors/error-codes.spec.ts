import fs from 'node:fs';
import path from 'node:path';
import '../../app.module';
import { registeredErrorCodes } from './define-errors';

/** Loading the application declares every error code; the table in docs/api.md must list each with its status. */
describe('error codes', () => {
  const codes = [...registeredErrorCodes()];

  it('are lower snake_case', () => {
    expect(codes.map(([code]) => code).filter((code) => !/^[a-z]+(_[a-z]+)*$/.test(code))).toEqual([]);
  });

  it('are all documented in docs/api.md with their HTTP status', () => {
    const api = fs.readFileSync(path.join(__dirname, '../../../docs/api.md'), 'utf8');
    const undocumented = codes.filter(([code, [status]]) => !api.includes(`| \`${code}\` | ${status} |`)).map(([code]) => code);
    expect(undocumented).toEqual([]);
    expect(codes.length).toBeGreaterThan(40);
  });
});
