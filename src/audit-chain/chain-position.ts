/** Where a row sits in its tenant's hash chain, as the log routes show it. */
export class ChainPosition {
  /** Its position in the tenant's chain (a decimal string: positions outgrow JSON numbers). */
  seq: string;
  /** SHA-256 (hex) linking it to the row before; see docs/operations.md, "Tamper-evident audit". */
  hash: string;
}

export function chainPositionOf(row: { chainSeq: bigint | null; chainHash: string | null }): ChainPosition | null {
  return row.chainSeq === null || row.chainHash === null ? null : { seq: row.chainSeq.toString(), hash: row.chainHash };
}
