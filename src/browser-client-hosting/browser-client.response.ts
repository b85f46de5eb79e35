export class BrowserClientScript {
  /**
   * Where the file is served: its version and a digest of its bytes, so never changed once served (cached for a year).
   * @example "/v1/browser/0.2.0/callpass-browser.5e1f0c7a9b2d4c86.min.js"
   */
  url: string;
  /**
   * Its Subresource Integrity hash, for `<script integrity="…" crossorigin="anonymous">`.
   * @example "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"
   */
  integrity: string;
  /** @example 8079 */
  bytes: number;
}

export class BrowserClientResponse {
  /** @example "@callpass/browser" */
  name: string;
  /** @example "0.2.0" */
  version: string;
  /** The whole library in one file, defining a global `Callpass`. */
  script: BrowserClientScript;
}
