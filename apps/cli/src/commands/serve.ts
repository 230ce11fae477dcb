import { hostname } from 'node:os';
import type { MetricStore } from '@autodev/learning';
import type * as ServerModule from '@autodev/server';
import { parseInteger } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { loadPolicy } from '../internal/tracker.js';
import { importOptional } from '../store-url.js';

/** Options of `autodev serve`. */
export interface ServeOptions {
  port: string;
  host: string;
  token?: string;
  policy?: string;
}

const TOKEN_ENV = 'AUTODEV_TOKEN';
const TOKEN_HINT = `pass --token <t> or set ${TOKEN_ENV} (generate one with \`openssl rand -hex 32\`)`;


/** The URL to print for a bound address: a wildcard address is not something a browser can open. */
function localUrl(base: string): string {
  return base.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

/** Resolves on the first SIGINT or SIGTERM; a second one gets Node's default (the process ends at once). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * `autodev serve`: runs an `@autodev/server` collector over the store of `--store` (any backend), with the
 * policy's budgets for its insights. CI agents record into it with `--store http://host:port`; browsers get
 * the live dashboard. Prints the dashboard URL on stdout, runs until SIGINT or SIGTERM, then stops the server
 * and closes the store, and returns 0.
 * @throws {CliError} BAD_ARGUMENT for a bad port, host or token, a non-loopback host without a token, or a port
 * that cannot be bound; PACKAGE_MISSING without `@autodev/server`; BAD_INPUT for a bad policy file.
 * @example
 * // AUTODEV_TOKEN=… autodev serve --host 0.0.0.0 --store sqlite:metrics.db
 */
export async function serveCommand(ctx: CommandContext, opts: ServeOptions): Promise<number> {
  const port = parseInteger('--port', opts.port, 0, 65535);
  const host = opts.host.trim();
  if (host === '') throw new CliError('BAD_ARGUMENT', '--host must be an interface address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)');
  const fromEnv = ctx.env[TOKEN_ENV] !== undefined && ctx.env[TOKEN_ENV] !== '' ? ctx.env[TOKEN_ENV] : undefined;
  const token = opts.token ?? fromEnv;
  const tokenSource = opts.token !== undefined ? '--token' : TOKEN_ENV;

  const { policy, file: policyFile } = await loadPolicy(ctx, opts.policy);
  const server = (await importOptional('@autodev/server', ctx.cwd)) as typeof ServerModule | undefined;
  if (server === undefined)
    throw new CliError('PACKAGE_MISSING', 'autodev serve needs the package @autodev/server, and it is not installed', {
      hint: 'install it next to @autodev/cli: npm install @autodev/server (or pnpm add / yarn add)',
    });
  // The server checks both rules again in listen(); checking them here first means a refused start does not
  // create or touch the store (opening a file store creates it).
  if (token !== undefined && !server.isUsableToken(token))
    throw new CliError('BAD_ARGUMENT', `${tokenSource} must be at least 8 visible ASCII characters (letters, digits, punctuation; no spaces, line breaks or accented letters, which some HTTP clients cannot send)`, { hint: 'generate one with `openssl rand -hex 32`' });
  if (token === undefined && !server.isLoopbackHost(host))
    throw new CliError('BAD_ARGUMENT', `refusing to listen on ${host} without a token: anyone who can reach it could write metrics`, {
      hint: `${TOKEN_HINT}, or listen on this machine only: --host 127.0.0.1`,
    });

  const store: MetricStore = await ctx.openStore();
  let collector: ServerModule.MetricsServer;
  let base: string;
  try {
    collector = server.createMetricsServer({
      store,
      ...(token === undefined ? {} : { token }),
      insights: { policy },
      onError: (e) => void ctx.streams.stderr.write(`autodev serve: unexpected error (answered 500): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`),
    });
    base = await collector.listen({ port, host });
  } catch (e) {
    await store.close();
    if (server.isMetricsServerError(e))
      throw new CliError('BAD_ARGUMENT', e.message, {
        cause: e,
        hint: e.code === 'LISTEN_FAILED' ? 'pick another --port (0 = any free port) or --host' : token === undefined ? TOKEN_HINT : undefined,
      });
    throw e;
  }

  const url = localUrl(base);
  const { port: boundPort } = new URL(base);
  const wildcard = url !== base;
  ctx.out(`${url}/`);
  ctx.note(`autodev: collecting into ${ctx.storeLocation().display} at ${url}/ (dashboard and API; ${policyFile ? `policy ${policyFile}` : 'no policy file'})`);
  if (wildcard) ctx.note(`  listening on every interface: other machines use http://${hostname()}:${boundPort}/ (put TLS in front across networks)`);
  // The token is never printed: the terminal may be shared, recorded or logged by a supervisor.
  if (token !== undefined) ctx.note(`  browsers: open ${url}/?token=<token> once (the ${tokenSource} value, not printed here)`);
  ctx.note(`  agents:   AUTODEV_STORE=${wildcard ? `http://${hostname()}:${boundPort}` : url}${token !== undefined ? ' AUTODEV_TOKEN=<token>' : ''} autodev run --metric test_duration -- npm test`);
  ctx.note('  Ctrl-C to stop');

  const signal = await untilSignal();
  ctx.note(`autodev: ${signal}: stopping (finishing requests in flight, closing the store)`);
  await collector.close();
  await store.close();
  return ExitCode.OK;
}
