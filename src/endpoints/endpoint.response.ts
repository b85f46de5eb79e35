import { Endpoint } from '../generated/prisma/client';

export class EndpointResponse {
  id: string;
  providerAccountId: string;
  userId: string;
  identity: string;
  capabilities: ('incoming' | 'outgoing')[];
  disabled: boolean;
  /** Provider-specific settings and what provisioning recorded (e.g. plivoEndpointId). */
  providerData: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;

  static from(endpoint: Endpoint): EndpointResponse {
    const { id, providerAccountId, userId, identity, capabilities, disabled, createdAt, updatedAt } = endpoint;
    const providerData = endpoint.providerData as Record<string, unknown>;
    return { id, providerAccountId, userId, identity, capabilities, disabled, providerData, createdAt, updatedAt };
  }
}
