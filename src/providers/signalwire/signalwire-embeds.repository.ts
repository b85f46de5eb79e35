import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';

/** The public embed route knows only an account id: the one lookup not addressed by tenant, limited to SignalWire. */
@Injectable()
export class SignalwireEmbedsRepository {
  constructor(private readonly prisma: PrismaService) {}

  findAccountWithTenant(accountId: string) {
    return this.prisma.providerAccount.findFirst({ where: { id: accountId, provider: 'signalwire' }, include: { tenant: true } });
  }
}
