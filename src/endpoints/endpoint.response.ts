import { Endpoint } from '../generated/prisma/client';

export class EndpointResponse {
  id: string;
  providerAccountId: string;
  userId: string;
  identity: string;
  capabilities: ('incoming' | 'outgoing')[];
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;

  static from(endpoint: Endpoint): EndpointResponse {
    const { id, providerAccountId, userId, identity, capabilities, disabled, createdAt, updatedAt } = endpoint;
    return { id, providerAccountId, userId, identity, capabilities, disabled, createdAt, updatedAt };
  }
}
