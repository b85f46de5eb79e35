import { Matches } from 'class-validator';

export class TelnyxSecretsDto {
  /**
   * A v2 API key. The docs only show "KEY…" (keys seen in the wild are KEY, 32 hex digits, "_" and 22 letters or
   * digits, but that is not documented), so only the prefix and an outline are checked.
   */
  @Matches(/^KEY[A-Za-z0-9_-]{20,200}$/, { message: 'apiKey must be a v2 API key: "KEY" then 20-200 letters, digits, "_" or "-"' })
  apiKey: string;
}
