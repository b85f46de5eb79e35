import { Injectable } from '@nestjs/common';
import { decodeCursor, DEFAULT_PAGE_SIZE, optionalDate, Page, toPage } from '../common/pagination/cursor';
import { ListTokenIssuancesQueryDto } from './dto/list-token-issuances-query.dto';
import { TokenIssuanceResponse } from './token-issuance.response';
import { TokenIssuancesRepository } from './token-issuances.repository';

/** Reads the token log. `tenantId` undefined means across tenants, which only admin routes pass. */
@Injectable()
export class TokenLogService {
  constructor(private readonly issuances: TokenIssuancesRepository) {}

  async list(tenantId: string | undefined, query: ListTokenIssuancesQueryDto): Promise<Page<TokenIssuanceResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const filter = { ...query, from: optionalDate(query.from), to: optionalDate(query.to) };
    const rows = await this.issuances.list(tenantId, filter, decodeCursor(query.cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => row.issuedAt,
      (row) => TokenIssuanceResponse.from(row),
    );
  }
}
