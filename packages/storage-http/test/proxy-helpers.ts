import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, isIP, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a test proxy saw. */
export interface TestProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Targets of CONNECT requests it tunnelled (`host:port`). */
  connects: string[];
  /** Absolute-URI requests it forwarded (`GET http://host:port/v1/health`). */
  forwards: string[];
  /** The Proxy-Authorization header of every request it got (CONNECT or not). */
  auth: (string | undefined)[];
  /** Client connections open now. */
  readonly open: number;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /** Answer every request with this status instead of forwarding it (407 adds Proxy-Authenticate). */
  refuse?: number;
  /** Forward only requests whose Proxy-Authorization is `Basic base64(credentials)`; 407 for others. */
  credentials?: string;
  /** Names only the proxy can resolve, as a corporate proxy resolves internal hosts: all go to 127.0.0.1. */
  names?: readonly string[];
}

/**
 * A tiny forward proxy on 127.0.0.1, as corporate ones behave: CONNECT tunnels (for https: targets) and absolute-URI
 * requests (for http: targets). It connects to loopback only (and to `names`, mapped to 127.0.0.1): anything else
 * gets 502, so a test can never send traffic off this machine through it.
 */
export async function startProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const connects: string[] = [];
  const forwards: string[] = [];
  const auth: (string | undefined)[] = [];
  const sockets = new Set<Socket>();
  const upstreamOf = (host: string): string | undefined => {
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (options.names?.includes(bare) || bare === 'localhost') return '127.0.0.1';
    if ((isIP(bare) === 4 && bare.startsWith('127.')) || bare === '::1') return bare;
    return undefined;
  };
  /** The status to refuse a request with, if any. */
  const refusal = (req: IncomingMessage): number | undefined => {
    const given = req.headers['proxy-authorization'];
    auth.push(given);
    if (options.refuse !== undefined) return options.refuse;
    if (options.credentials !== undefined && given !== `Basic ${Buffer.from(options.credentials).toString('base64')}`) return 407;
    return undefined;
  };
  const challenge = (status: number) => (status === 407 ? { 'proxy-authenticate': 'Basic realm="test proxy"' } : {});

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const refused = refusal(req);
    if (refused !== undefined) {
      res.writeHead(refused, { 'content-type': 'text/plain', ...challenge(refused) });
      res.end(`refused by the test proxy (${refused})`);
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('not an absolute-URI request');
      return;
    }
    const host = upstreamOf(target.hostname);
    if (host === undefined) {
      res.writeHead(502).end();
      return;
    }
    forwards.push(`${req.method} ${req.url}`);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = request({ host, port: Number(target.port || 80), method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    const refused = refusal(req);
    const fail = (status: number) => {
      const extra = status === 407 ? 'Proxy-Authenticate: Basic realm="test proxy"\r\n' : '';
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${extra}Content-Length: 0\r\n\r\n`);
    };
    if (refused !== undefined) return fail(refused);
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? '');
    const host = m ? upstreamOf(m[1]!) : undefined;
    if (!m || host === undefined) return fail(502);
    connects.push(req.url!);
    const upstream = connect(Number(m[2]), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => fail(502));
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    forwards,
    auth,
    get open() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A throwaway self-signed key and certificate for `name` (openssl), for an https: collector in tests. */
export function selfSigned(name: string): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'autodev-storage-http-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
