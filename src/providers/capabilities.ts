/** What a token may allow: receive calls, place calls. */
export const CAPABILITIES = ['incoming', 'outgoing'] as const;
export type CapabilityName = (typeof CAPABILITIES)[number];
