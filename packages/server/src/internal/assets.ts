import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './dashboard.js';

/** A file the dashboard needs. */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

const inline = (type: string, text: string): (() => Promise<Asset>) => {
  const asset = { type, body: Buffer.from(text) };
  return () => Promise.resolve(asset);
};

/**
 * uPlot is served from the installed `uplot` package (a dependency of this one), read once on first use.
 * `createRequire` finds it wherever the package manager put it.
 */
const fromUplot = (file: string, type: string): (() => Promise<Asset>) => {
  let cached: Promise<Asset> | undefined;
  return () =>
    (cached ??= (async () => {
      const path = createRequire(import.meta.url).resolve(`uplot/dist/${file}`);
      return { type, body: await readFile(path) };
    })().catch((e: unknown) => {
      cached = undefined; // a failed read is retried by the next request, not remembered
      throw e;
    }));
};

/** Every path the dashboard serves, relative to the server's root. */
export const ASSETS: ReadonlyMap<string, () => Promise<Asset>> = new Map([
  ['/', inline('text/html; charset=utf-8', DASHBOARD_HTML)],
  ['/assets/dashboard.js', inline('text/javascript; charset=utf-8', DASHBOARD_JS)],
  ['/assets/dashboard.css', inline('text/css; charset=utf-8', DASHBOARD_CSS)],
  ['/assets/uPlot.iife.min.js', fromUplot('uPlot.iife.min.js', 'text/javascript; charset=utf-8')],
  ['/assets/uPlot.min.css', fromUplot('uPlot.min.css', 'text/css; charset=utf-8')],
]);
