import type { Agent, ClientRequest } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { LearningError } from '@autodev/learning';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';

/** The proxy requests to the collector go through. */
export interface ProxyRoute {
  /** Where it was configured, for messages: `the proxy option`, `HTTPS_PROXY`, `https_proxy`... */
  readonly source: string;
  /** The proxy's origin without credentials (`http://proxy.corp:3128`): the only form messages show. */
  readonly label: string;
  /** Whether the proxy URL carried credentials (they go out as `Proxy-Authorization: Basic`). */
  readonly hasCredentials: boolean;
  /** The agent requests use: CONNECT tunnels for an https: collector, absolute-URI requests for an http: one. */
  readonly agent: Agent;
}

type Env = Readonly<Record<string, string | undefined>>;

const invalid = (message: string) => new LearningError('INVALID_ARGUMENT', message);

/**
 * A proxy URL as curl takes it: `http://host:port`, `https://host:port` (TLS to the proxy itself), or `host:port`
 * (http assumed). Its path is ignored. The raw text is never echoed: it may hold a password.
 */
function parseProxy(raw: string, source: string): URL {
  const fix = `use an http:// or https:// proxy URL such as http://proxy.example:3128 (credentials as http://user:password@…, percent-encoded)`;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw invalid(`${source} is not a proxy URL; ${fix}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`${source}: ${url.protocol.slice(0, -1)} proxies are not supported; ${fix}, or leave the proxy out (proxy: false, or the collector's host in NO_PROXY)`);
  if (url.hostname === '') throw invalid(`${source} has no host; ${fix}`);
  return url;
}

/** The first non-empty variable of `names` (curl reads the lowercase one first). */
function fromEnv(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return undefined;
}

/** A host name or address as compared: lowercase, without IPv6 brackets or a trailing dot. */
const bare = (host: string) => host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

/**
 * Whether `NO_PROXY` sends a request to `target` directly, with curl's rules: entries separated by commas (or
 * spaces); `*` alone matches every host; a name matches itself and every host under it (`example.com` and
 * `.example.com` both match `example.com` and `ci.example.com`, never `badexample.com`; a leading `*.` is read as
 * `.`); an IP address matches itself, and `10.0.0.0/8` style ranges match the addresses in them (IPv6 too, bracketed
 * or not); names are compared without case. Beyond curl, `host:port` (or `[v6]:port`) matches that port only.
 */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = bare(target.hostname);
  const port = target.port !== '' ? target.port : target.protocol === 'https:' ? '443' : '80';
  const family = isIP(host);
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const withPort = /^([^:]+):(\d+)$/.exec(entry);
    if (bracketed) [, entry = '', entryPort] = bracketed;
    else if (withPort) [, entry = '', entryPort] = withPort;
    if (entryPort !== undefined && Number(entryPort) !== Number(port)) continue;
    const range = /^([^/]+)\/(\d{1,3})$/.exec(entry);
    const address = range ? range[1]! : entry;
    const entryFamily = isIP(address);
    if (entryFamily !== 0 || range) {
      // An address (or range) only ever matches an address, by value: `::1` and `0:0::1` are one address.
      if (family === 0 || entryFamily !== family) continue;
      const type = family === 6 ? 'ipv6' : 'ipv4';
      const list = new BlockList();
      try {
        if (range) list.addSubnet(address, Number(range[2]), type);
        else list.addAddress(address, type);
      } catch {
        continue; // a prefix out of range (10.0.0.0/40) matches nothing, as a name that resolves nowhere would
      }
      if (list.check(host, type)) return true;
      continue;
    }
    const name = bare(entry.replace(/^\*?\./, ''));
    if (name !== '' && family === 0 && (host === name || host.endsWith(`.${name}`))) return true;
  }
  return false;
}

/**
 * The request option (see `exchange`) carrying an AbortSignal that closes the connection to the proxy while it is
 * still being made. Node's request options reach the agent's `connect` (agent-base spreads them into its options).
 */
export const CONNECT_SIGNAL = 'autodevConnectSignal';

/**
 * Calls the library's `connect` with `signal` in the options it creates its socket to the proxy with (`net.connect` /
 * `tls.connect` destroy a socket when its signal aborts).
 *
 * Why: the agents make that socket, then wait for the proxy (its TCP accept; for https-proxy-agent, its answer to
 * CONNECT) before handing it to the request. A request given up meanwhile (our timeout) is destroyed, but Node has no
 * socket to destroy yet and the agents do not watch for it: a proxy that accepts the connection and never answers
 * CONNECT kept that socket, and with it the process, alive after the store had already rejected with TIMEOUT (a CLI
 * run hung until the proxy dropped it). Both libraries create the socket before their first `await`, so the options
 * are swapped only for that synchronous part; a later version that creates it after an `await` would just not get
 * the signal (the old behaviour), never the signal of another request.
 */
function withConnectSignal<T>(agent: { connectOpts: object }, opts: object, connect: () => T): T {
  const signal = (opts as { [CONNECT_SIGNAL]?: AbortSignal })[CONNECT_SIGNAL];
  if (signal === undefined) return connect();
  const saved = agent.connectOpts;
  agent.connectOpts = { ...saved, signal };
  try {
    return connect();
  } finally {
    agent.connectOpts = saved;
  }
}

/** `HttpsProxyAgent` (CONNECT tunnels) whose connection to the proxy closes when the request is given up. */
class AbortableHttpsProxyAgent extends HttpsProxyAgent<string> {
  override connect(req: ClientRequest, opts: Parameters<HttpsProxyAgent<string>['connect']>[1]) {
    return withConnectSignal(this, opts, () => super.connect(req, opts));
  }
}

/** `HttpProxyAgent` (absolute-URI requests) whose connection to the proxy closes when the request is given up. */
class AbortableHttpProxyAgent extends HttpProxyAgent<string> {
  override connect(req: Parameters<HttpProxyAgent<string>['connect']>[0], opts: Parameters<HttpProxyAgent<string>['connect']>[1]) {
    return withConnectSignal(this, opts, () => super.connect(req, opts));
  }
}

/**
 * Which proxy requests to `target` (the collector) go through, if any. `option` is the store's `proxy` option:
 * `false` goes direct whatever the environment says, a URL is used as it is (NO_PROXY is for the environment's proxy,
 * not for one chosen for this store), and `undefined` reads the environment like curl: `https_proxy` / `HTTPS_PROXY`
 * for an https: collector, `http_proxy` / `HTTP_PROXY` for an http: one (lowercase first; empty means unset), unless
 * `no_proxy` / `NO_PROXY` names the collector's host.
 * @throws {LearningError} INVALID_ARGUMENT when the proxy URL is not an http(s) proxy URL (the message names where it
 * came from, never its text).
 */
export function routeFor(target: URL, option: string | URL | false | undefined, env: Env): ProxyRoute | undefined {
  if (option === false) return undefined;
  let proxy: URL;
  let source: string;
  if (option !== undefined) {
    if (typeof option !== 'string' && !(option instanceof URL)) throw invalid(`proxy must be a proxy URL such as "http://proxy.example:3128", or false to go direct; got ${option === null ? 'null' : typeof option}`);
    source = 'the proxy option';
    proxy = parseProxy(String(option), source);
  } else {
    const https = target.protocol === 'https:';
    const found = fromEnv(env, https ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']);
    if (found === undefined) return undefined;
    const noProxy = fromEnv(env, ['no_proxy', 'NO_PROXY']);
    if (noProxy !== undefined && bypassesProxy(target, noProxy.value)) return undefined;
    source = found.name;
    proxy = parseProxy(found.value, source);
  }
  const hasCredentials = proxy.username !== '' || proxy.password !== '';
  // The agents get the proxy without credentials and the credentials as a header: both agents log the proxy URL
  // they are given when DEBUG names them, and a password must not reach a CI log that way.
  const headers: Record<string, string> = {};
  if (hasCredentials) {
    let user: string;
    let password: string;
    try {
      user = decodeURIComponent(proxy.username);
      password = decodeURIComponent(proxy.password);
    } catch {
      throw invalid(`${source}: the proxy credentials are not valid percent-encoding; encode special characters in the user and password (%40 for @, %3A for :)`);
    }
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  const plain = new URL(proxy.origin);
  // keepAlive as Node's global agent: the few requests of a CLI run share one connection (one tunnel for https:).
  const agent =
    target.protocol === 'https:' ? new AbortableHttpsProxyAgent(plain, { keepAlive: true, headers }) : new AbortableHttpProxyAgent(plain, { keepAlive: true, headers });
  return { source, label: proxy.origin, hasCredentials, agent };
}
