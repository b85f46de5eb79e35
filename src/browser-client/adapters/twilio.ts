import type { CredentialProvider } from '../credential-provider.js';

/** What the adapter uses of Twilio Voice JS 2.x's `Device`. */
export interface TwilioDevice {
  updateToken(token: string): void;
  on(event: 'tokenWillExpire', listener: () => void): unknown;
  removeListener(event: 'tokenWillExpire', listener: () => void): unknown;
}

export interface TwilioBinding<D extends TwilioDevice> {
  device: D;
  /** Call before `device.connect()`: an expired token can make `connect()` hang instead of failing. */
  ensureFreshToken: () => Promise<void>;
  /** Stops feeding the device (the app still owns and destroys it). */
  detach: () => void;
}

/**
 * Creates the app's Twilio `Device` with the user's first token and hands it every new one with `updateToken` as it
 * arrives. Twilio's `tokenWillExpire` fires only once after an `updateToken`, so the schedule is the provider's; a
 * `tokenWillExpire` that comes anyway asks for a new token at once.
 */
export async function bindTwilioDevice<D extends TwilioDevice>(
  provider: CredentialProvider,
  createDevice: (token: string) => D,
): Promise<TwilioBinding<D>> {
  let given = (await provider.getToken()).token;
  const device = createDevice(given);
  const hand = (token: string) => {
    given = token;
    device.updateToken(token);
  };
  const stopFeeding = provider.on('refreshed', (token) => hand(token.token));
  const onWillExpire = () => void provider.refresh().catch(() => undefined);
  device.on('tokenWillExpire', onWillExpire);
  return {
    device,
    ensureFreshToken: async () => {
      const { token } = await provider.getToken();
      if (token !== given) hand(token);
    },
    detach: () => {
      stopFeeding();
      device.removeListener('tokenWillExpire', onWillExpire);
    },
  };
}
