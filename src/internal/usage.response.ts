export class UsageDayResponse {
  tenantId: string;
  provider: string | null;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  issued: number;
  refused: number;
  failed: number;
}
