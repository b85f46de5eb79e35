import { DEMO, registerDemoCredentials } from './demo-credentials';
import { startEmulators } from './emulators';

/**
 * `npm run emulators`: the four provider emulators on 127.0.0.1:4010-4013 (EMULATOR_PORT moves the first), each
 * accepting the demo credentials in demo-credentials.ts. Point an account's baseUrl at one to use it.
 */
async function main(): Promise<void> {
  const first = Number(process.env.EMULATOR_PORT ?? 4010);
  const emulators = await startEmulators({ ports: { twilio: first, plivo: first + 1, signalwire: first + 2, bandwidth: first + 3 } });
  registerDemoCredentials(emulators);
  console.log('Provider emulators (demo credentials in src/sandbox/demo-credentials.ts):');
  for (const name of ['twilio', 'plivo', 'signalwire', 'bandwidth'] as const) console.log(`  ${name.padEnd(10)} ${emulators[name].url}`);
  console.log(JSON.stringify(DEMO, null, 2));
  const stop = async () => {
    await emulators.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  const { code, port } = error as { code?: string; port?: number };
  console.error(
    code === 'EADDRINUSE'
      ? `Port ${port} is in use (the emulators already running?): stop them, or set EMULATOR_PORT to move the four ports.`
      : error,
  );
  process.exit(1);
});
