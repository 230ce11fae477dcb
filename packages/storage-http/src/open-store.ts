import { isLearningError, LearningError } from '@autodev/learning';
import { isHttpStoreError } from './errors.js';
import { openHttpStoreIn, type HttpMetricStore } from './open-http-store.js';

/** The environment variable {@link openStore} reads the collector's token from. */
export const TOKEN_ENV = 'AUTODEV_TOKEN';

const invalid = (message: string) => new LearningError('INVALID_ARGUMENT', message);

/**
 * The storage plugin entry point: the `autodev` CLI maps `http://` and `https://` store URLs to this package
 * and calls `openStore(url)`. Same as `openHttpStore({ url, token: env.AUTODEV_TOKEN })` (with the proxy variables
 * HTTPS_PROXY, NO_PROXY... read from `env` too), with messages that
 * speak of `AUTODEV_TOKEN` rather than of options.
 *
 * The token comes from the environment only: a URL ends up in logs, shell history and process lists, so one
 * holding credentials (`https://user:pass@host`) or a `?token=` is refused rather than used. The URL takes
 * no query parameters at all. An empty `AUTODEV_TOKEN` counts as unset (a CI secret that is not configured).
 * @throws {LearningError} INVALID_ARGUMENT for a URL that is not a plain http(s) collector URL, or a token with
 * whitespace; STORE_IO as {@link openHttpStore} (a wrong or missing token says to set `AUTODEV_TOKEN`).
 * @example
 * // AUTODEV_TOKEN=… in the environment
 * const store = await openStore('https://metrics.internal');
 */
export async function openStore(url: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<HttpMetricStore> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL is not echoed: whatever it holds may be a secret, and the caller knows what it passed.
    throw invalid('the collector URL cannot be parsed; use its base URL, such as http://127.0.0.1:8787 or https://metrics.internal/autodev');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid(`a collector URL starts with http:// or https://, got ${parsed.protocol}`);
  if (parsed.username !== '' || parsed.password !== '')
    throw invalid(`the collector URL must not hold credentials (URLs end up in logs and process lists); remove them and set ${TOKEN_ENV} to the collector's token`);
  if (parsed.search !== '') {
    const names = [...new Set(parsed.searchParams.keys())];
    throw invalid(
      names.some((n) => /token|key|secret|auth|pass/i.test(n))
        ? `never put the token in the collector URL (URLs end up in logs and process lists); set ${TOKEN_ENV} instead`
        : `the collector URL takes no query parameters, got ${names.map((n) => JSON.stringify(n)).join(', ')}; use its base URL, such as https://metrics.internal`,
    );
  }
  const raw = env[TOKEN_ENV];
  const token = raw === undefined || raw === '' ? undefined : raw;
  if (token !== undefined && /\s/.test(token))
    throw invalid(`${TOKEN_ENV} must not contain spaces or line breaks (a secret saved with a trailing newline?)`);
  try {
    // The proxy variables come from the same environment as the token (HTTPS_PROXY, NO_PROXY... as curl reads them).
    return await openHttpStoreIn({ url: parsed, ...(token === undefined ? {} : { token }) }, env);
  } catch (e) {
    // openHttpStore's advice is for library callers ("pass { token }"); a plugin user sets the variable.
    if (isLearningError(e) && e.code === 'STORE_IO' && isHttpStoreError(e.cause) && e.cause.code === 'UNAUTHORIZED') {
      const where = `${parsed.origin}${parsed.pathname}`;
      throw new LearningError(
        'STORE_IO',
        token === undefined
          ? `collector ${where} needs a token: set ${TOKEN_ENV} to the token it was started with`
          : `collector ${where} refused ${TOKEN_ENV}: it is not the token the collector was started with`,
        { cause: e.cause },
      );
    }
    throw e;
  }
}
