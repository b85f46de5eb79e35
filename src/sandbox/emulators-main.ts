import { PROVIDER_KITS } from '../providers/provider-kits';
import { startEmulators } from './emulators';

/**
 * `npm run emulators`: every provider's emulator on 127.0.0.1, from port 4010 up in the kits' order
 * (EMULATOR_PORT moves the first), each accepting its kit's demo credentials. Point an account's baseUrl at one.
 */
async function main(first: number): Promise<void> {
  const emulators = await startEmulators({ ports: Object.fromEntries(PROVIDER_KITS.map((kit, index) => [kit.name, first + index])) });
  console.log("Provider emulators (demo credentials from each provider's kit):");
  for (const kit of PROVIDER_KITS) {
    kit.registerDemoCredentials(emulators[kit.name]);
    console.log(`  ${kit.name.padEnd(10)} ${emulators[kit.name].url}`);
  }
  console.log(JSON.stringify(Object.fromEntries(PROVIDER_KITS.map((kit) => [kit.name, kit.demoCredentials])), null, 2));
  const stop = async () => {
    await emulators.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

// The entry point, and its one read of the environment: EMULATOR_PORT, the first emulator's port.
main(Number(process.env.EMULATOR_PORT ?? 4010)).catch((error: unknown) => {
  const { code, port } = error as { code?: string; port?: number };
  console.error(
    code === 'EADDRINUSE'
      ? `Port ${port} is in use (the emulators already running?): stop them, or set EMULATOR_PORT to move the ports.`
      : error,
  );
  process.exit(1);
});
