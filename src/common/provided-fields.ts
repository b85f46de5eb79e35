/**
 * The fields a request actually sent. DTO instances declare every field (ES2022 class fields), so
 * `Object.keys` alone would also list the ones left out.
 */
export function providedFields(dto: object): string[] {
  return Object.entries(dto)
    .filter(([, value]) => value !== undefined)
    .map(([field]) => field);
}
