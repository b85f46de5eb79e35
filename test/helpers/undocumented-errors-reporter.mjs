import fs from 'node:fs';
import path from 'node:path';

/**
 * Fails the run when a route answered, in any test, an error code that its entry in /docs does not list under that
 * status. The test apps record what they answered (answered-errors.ts); this reads it once every test has run.
 */
export default class UndocumentedErrorsReporter {
  #error;

  onRunComplete() {
    const directory = process.env.CALLPASS_ANSWERED_ERRORS;
    if (!directory || !fs.existsSync(directory)) return;
    const undocumented = new Map();
    for (const file of fs.readdirSync(directory)) {
      for (const line of fs.readFileSync(path.join(directory, file), 'utf8').split('\n').filter(Boolean)) {
        const answer = JSON.parse(line);
        if (!answer.documented) undocumented.set(`${answer.route} ${answer.status} ${answer.code}`, answer.testPath);
      }
    }
    if (undocumented.size === 0) return;
    const lines = [...undocumented].sort().map(([answer, testPath]) => `  ${answer}  (answered in ${testPath})`);
    console.error(
      `\nError codes answered but not listed in /docs for their route and status (add them to @ApiErrors):\n${lines.join('\n')}\n`,
    );
    this.#error = new Error(`${undocumented.size} answered error codes are not documented`);
  }

  getLastError() {
    return this.#error;
  }
}
