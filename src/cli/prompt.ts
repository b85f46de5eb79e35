import readline from 'node:readline';

/**
 * Reads a secret: from stdin when it is piped (`… < secrets.json`), else from a prompt that does not echo what is
 * typed. Never from the command line, where it would stay in the shell's history and the process list.
 */
export async function readSecret(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').trim();
  }
  const prompt = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write(question);
  // Typed characters are not echoed.
  (prompt as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => prompt.question('', resolve));
  prompt.close();
  process.stderr.write('\n');
  return answer.trim();
}
