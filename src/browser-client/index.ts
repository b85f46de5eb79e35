export { createCredentialProvider } from './credential-provider.js';
export type { CallpassToken, CredentialProvider, CredentialProviderEvents, CredentialProviderOptions } from './credential-provider.js';
export { CallpassClientError } from './errors.js';
export type { Environment } from './environment.js';
