import { ChainLog } from '../audit-chain/chain-encoding';
import { batchLinksDigest, LogRow, streamEventOf, StreamEvent } from './stream-events';

/** A row as an event, and that event as JSON: what every sink at this place in the chain sends of it. */
export interface PreparedEvent {
  event: StreamEvent;
  json: string;
}

/**
 * Rows of one tenant's log, read once for all the sinks a round finds at the same place in the chain, and each made
 * into its event and that event's JSON at most once per form (whole, or its link alone): rows never change, and with
 * several sinks per tenant reading and serialising them is most of a delivery's cost.
 */
export class SharedRows {
  private readonly whole: (PreparedEvent | undefined)[] = [];
  private readonly elided: (PreparedEvent | undefined)[] = [];

  constructor(
    readonly log: ChainLog,
    readonly tenantId: string,
    readonly rows: LogRow[],
  ) {}

  /** What the batch's checkpoint signs of its links. */
  get linksDigest(): string {
    return batchLinksDigest(this.rows.map((row) => ({ seq: row.chain_seq, prev: row.chain_prev, hash: row.chain_hash })));
  }

  /** The events a sink sends: whole where `sendsWhole` says so, else links alone. */
  events(sendsWhole: (row: LogRow) => boolean): PreparedEvent[] {
    return this.rows.map((row, index) => {
      const whole = sendsWhole(row);
      const cache = whole ? this.whole : this.elided;
      let prepared = cache[index];
      if (!prepared) {
        const event = streamEventOf(this.log, this.tenantId, row, whole);
        prepared = cache[index] = { event, json: JSON.stringify(event) };
      }
      return prepared;
    });
  }
}
