/**
 * Stable error codes of `@autodev/server`: the `code` of every JSON error body
 * (`{ "error": { "code", "message" } }`) and of {@link MetricsServerError}. Codes are API: adding one is
 * minor, renaming or reusing one is major. Messages say what to fix and may change in a patch, so match on
 * `code`. The `STORE_*` codes are `@autodev/learning`'s, passed through from the store.
 */
export const ServerErrorCode = {
  /** `createMetricsServer` or `listen` got a bad option (thrown, never sent over HTTP). */
  INVALID_OPTIONS: 'INVALID_OPTIONS',
  /** `listen` could not bind (port in use, permission denied); `cause` holds the system error. Thrown, never sent. */
  LISTEN_FAILED: 'LISTEN_FAILED',
  /** 400: the body is not valid JSON (or a line of NDJSON is not); the message gives the line or position. */
  INVALID_JSON: 'INVALID_JSON',
  /** 400: the body is JSON of the wrong shape (not an array of records, not a query object) or not UTF-8. */
  INVALID_BODY: 'INVALID_BODY',
  /** 400: a record failed `@autodev/learning`'s validation; the message names its index. Nothing was stored. */
  INVALID_RECORD: 'INVALID_RECORD',
  /** 400: a query parameter (or `POST /v1/query` field) is unknown, repeated or out of range. */
  INVALID_QUERY: 'INVALID_QUERY',
  /** 400: `GET /v1/events` got a `Last-Event-ID` (or `lastEventId`) that is not an event id of this server's form. */
  INVALID_EVENT_ID: 'INVALID_EVENT_ID',
  /** 401: the server has a token and the request did not carry it (or carried another one). */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** 400: Node's HTTP parser rejected the request (not valid HTTP/1.1); sent by a server `listen()` started. */
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  /** 408: the request did not arrive in full within Node's `headersTimeout` / `requestTimeout`; sent by a server `listen()` started. */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** 431: the request headers exceed Node's limit (16 KB by default); sent by a server `listen()` started. */
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  /** 403: the `Host` header is not an allowed host (DNS-rebinding guard of a server without a token). */
  FORBIDDEN_HOST: 'FORBIDDEN_HOST',
  /** 404: no such endpoint. */
  NOT_FOUND: 'NOT_FOUND',
  /** 405: the endpoint exists but not for this method; the `Allow` header lists the methods. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** 413: the body is larger than `maxBodyBytes` (or its chunk extensions are too large). Nothing was stored. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** 415: the `Content-Type` is not `application/json` or `application/x-ndjson` (UTF-8). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** 503: `GET /v1/events` already has `maxSubscribers` streams open. */
  TOO_MANY_SUBSCRIBERS: 'TOO_MANY_SUBSCRIBERS',
  /** 503: the store was closed under the server. */
  STORE_CLOSED: 'STORE_CLOSED',
  /** 500: the store's I/O failed. */
  STORE_IO: 'STORE_IO',
  /** 500: the store's data could not be read. */
  STORE_CORRUPT: 'STORE_CORRUPT',
  /** 500: the store's data was written by a newer format version. */
  STORE_VERSION: 'STORE_VERSION',
  /** 500: anything else (a bug: the server logs the error and answers with this code). */
  INTERNAL: 'INTERNAL',
} as const;
export type ServerErrorCode = (typeof ServerErrorCode)[keyof typeof ServerErrorCode];

/** The HTTP status each code is sent with. */
export const HTTP_STATUS: Readonly<Record<Exclude<ServerErrorCode, 'INVALID_OPTIONS' | 'LISTEN_FAILED'>, number>> = Object.freeze({
  INVALID_JSON: 400,
  INVALID_BODY: 400,
  INVALID_RECORD: 400,
  INVALID_QUERY: 400,
  INVALID_EVENT_ID: 400,
  MALFORMED_REQUEST: 400,
  REQUEST_TIMEOUT: 408,
  HEADERS_TOO_LARGE: 431,
  UNAUTHORIZED: 401,
  FORBIDDEN_HOST: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_SUBSCRIBERS: 503,
  STORE_CLOSED: 503,
  STORE_IO: 500,
  STORE_CORRUPT: 500,
  STORE_VERSION: 500,
  INTERNAL: 500,
});

/** The one error class of `@autodev/server`. Request handling turns it into a JSON error body. */
export class MetricsServerError extends Error {
  override readonly name = 'MetricsServerError';
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    options?: ErrorOptions & { headers?: Readonly<Record<string, string>> },
  ) {
    super(message, options);
    this.headers = options?.headers ?? {};
  }
  /** Extra response headers (`Allow`, `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;
}

/** True for errors from any loaded copy of this package (ESM and CJS builds), where `instanceof` is not. */
export const isMetricsServerError = (e: unknown): e is MetricsServerError =>
  e instanceof Error && e.name === 'MetricsServerError' && 'code' in e;
