/**
 * What went wrong on the wire, as the `code` of an {@link HttpStoreError}. The store itself rejects with
 * `@autodev/learning`'s `LearningError` (`STORE_IO` for all of these) and puts the `HttpStoreError` in `cause`.
 * Codes are API: adding one is minor, renaming or reusing one is major.
 */
export const HttpStoreErrorCode = {
  /** No complete answer within `timeoutMs`. An append that timed out may or may not have been stored. */
  TIMEOUT: 'TIMEOUT',
  /** The request did not get an answer: connection refused or reset, unknown host, TLS failure. */
  NETWORK: 'NETWORK',
  /** 401: the collector needs a token and this one is missing or wrong. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** Any other non-2xx answer; `status` and `serverCode` say which. */
  HTTP_STATUS: 'HTTP_STATUS',
  /** A 2xx answer that is not the JSON the API promises (not an autodev collector, or a proxy's page). */
  BAD_RESPONSE: 'BAD_RESPONSE',
  /** An answer larger than `maxResponseBytes`: ask for less at once, or raise the limit. */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  /**
   * The proxy (the `proxy` option, or HTTP_PROXY / HTTPS_PROXY) could not be reached, or refused the request: 407
   * (it wants credentials, or other ones), 502/503/504 (it could not reach the collector), 403 (its rules forbid the
   * collector). `status` holds its answer, `proxy` which proxy; the message says what to change.
   */
  PROXY: 'PROXY',
} as const;
export type HttpStoreErrorCode = (typeof HttpStoreErrorCode)[keyof typeof HttpStoreErrorCode];

/** Where an {@link HttpStoreError} happened. */
export interface HttpStoreErrorDetails {
  /** `GET` or `POST`. */
  method: string;
  /** The full URL of the request (never holds the token: it travels in a header). */
  url: string;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** The `error.code` of the collector's JSON error body (`PAYLOAD_TOO_LARGE`, `STORE_IO`...), when it sent one. */
  serverCode?: string;
  /** The proxy the request went through, as its origin without credentials (`http://proxy.corp:3128`). */
  proxy?: string;
}

/** An HTTP-level failure, found in the `cause` of the `LearningError` the store rejects with. */
export class HttpStoreError extends Error {
  override readonly name = 'HttpStoreError';
  readonly method: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;
  readonly proxy: string | undefined;
  constructor(
    readonly code: HttpStoreErrorCode,
    message: string,
    details: HttpStoreErrorDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.serverCode = details.serverCode;
    this.proxy = details.proxy;
  }
}

/** True for errors from any loaded copy of this package (ESM and CJS builds), where `instanceof` is not. */
export const isHttpStoreError = (e: unknown): e is HttpStoreError => e instanceof Error && e.name === 'HttpStoreError' && 'code' in e;
