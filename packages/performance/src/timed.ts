import { PerformanceMonitor } from './performance-monitor.js';
import type { OperationRecorder } from './operation-recorder.js';
import { invalidArgument } from './performance-error.js';
import { copyFunctionProperties, notAFunctionMessage } from './internal/function-properties.js';
import { checkOptions } from './internal/options.js';
import { isPromise } from './internal/promise.js';

/** Options of {@link timed}. */
export interface TimedOptions {
  /** Monitor to record into. @default PerformanceMonitor.global */
  monitor?: PerformanceMonitor;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * What `timed(name?)` returns: call it with a function to wrap it, or use it as a standard (TC39) method
 * decorator. Either way the signature, `this` and return type are kept.
 */
export interface Timer {
  /** Wraps `fn`; the wrapper has `fn`'s type (own properties such as `fn.cache` are copied over). */
  <F extends AnyFunction>(fn: F): F;
  /** Standard method decorator (`@timed('name')`); needs no `experimentalDecorators`. */
  <This, Args extends unknown[], Return>(
    method: (this: This, ...args: Args) => Return,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
  ): (this: This, ...args: Args) => Return;
}

// Clock in seconds. performance.now() measured cheaper than process.hrtime.bigint() and allocation-free
// (bench/timed.bench.ts); its sub-microsecond resolution is plenty for a latency sketch with 0.78% buckets.
const perf = globalThis.performance;

function makeTimed<F extends AnyFunction>(fn: F, name: string, monitor: PerformanceMonitor): F {
  // Resolved once: the per-call cost is two clock reads and one recorder update, no Map lookup.
  const recorder: OperationRecorder = monitor.recorder(name);
  const wrapped = function (this: unknown): unknown {
    const start = perf.now();
    let result: unknown;
    try {
      // `arguments` passed straight to apply is not materialized by V8 (rest parameters would allocate).
      // eslint-disable-next-line prefer-rest-params
      result = fn.apply(this, arguments as unknown as unknown[]);
    } catch (error) {
      settle(recorder, start, true);
      throw error;
    }
    if (isPromise(result)) {
      // A side chain: the caller keeps the very promise `fn` returned (same identity, same rejection),
      // and the duration is recorded once it settles. Other thenables are timed until returned: calling
      // their then() could run a lazy query builder a second time (see isPromise).
      try {
        result.then(
          () => settle(recorder, start, false),
          () => settle(recorder, start, true),
        );
      } catch {
        // A promise whose then() was replaced and throws must not break the call; the duration is not recorded.
      }
    } else {
      settle(recorder, start, false);
    }
    return result;
  };
  copyFunctionProperties(wrapped, fn);
  return wrapped as unknown as F;
}

function settle(recorder: OperationRecorder, start: number, failed: boolean): void {
  const seconds = (perf.now() - start) / 1000;
  // Monitoring must never reach the caller: a clock that went backwards is clamped, and a recorder that
  // throws anyway is ignored (try/catch costs nothing in V8 until something throws).
  const s = seconds >= 0 ? seconds : 0;
  try {
    if (failed) recorder.recordError(s);
    else recorder.record(s);
  } catch {
    // Dropped on purpose: the caller's result matters more than one sample.
  }
}

/**
 * Times a function into a {@link PerformanceMonitor} (the shared one by default). Works as a wrapper,
 * `timed('x')(fn)`, and as a standard method decorator, `@timed('x')`. Sync calls are timed until they
 * return or throw; async calls (a native promise result) until they settle. Other thenables are returned
 * untouched and timed until returned, never subscribed to: a lazy query builder would run twice. Throws and rejections are counted
 * in the name's `errors` and passed through unchanged; the promise returned is the one `fn` returned.
 * The name defaults to the function's (or method's) name.
 *
 * @throws {PerformanceError} INVALID_ARGUMENT when no name is given and the function is anonymous, or the name is empty.
 * @example
 * ```ts
 * const fetchUser = timed('fetch_user')(async (id: string) => db.get(id));
 * class Api {
 *   @timed('api_request')
 *   async request(path: string) { ... }
 * }
 * PerformanceMonitor.global.getStats('api_request');
 * ```
 * @see PerformanceMonitor
 */
export function timed(name?: string, options?: TimedOptions): Timer;
/** Wraps `fn` directly, named after `fn.name`. */
export function timed<F extends AnyFunction>(fn: F, options?: TimedOptions): F;
export function timed(nameOrFn?: string | AnyFunction, options: TimedOptions = {}): Timer | AnyFunction {
  if (typeof nameOrFn === 'function') {
    // A bare `@timed` (no parentheses) calls timed(method, context): time the method under its own name.
    if (isDecoratorContext(options)) return wrapWith(nameOrFn, undefined, options, {});
    checkOptions('timed', options, ['monitor']);
    return wrapWith(nameOrFn, undefined, undefined, options);
  }
  checkOptions('timed', options, ['monitor']);
  if (nameOrFn !== undefined && (typeof nameOrFn !== 'string' || nameOrFn.length === 0)) {
    invalidArgument(`timed: name must be a non-empty string, got ${JSON.stringify(nameOrFn)}`);
  }
  const timer = (fn: AnyFunction, context?: ClassMethodDecoratorContext): AnyFunction =>
    wrapWith(fn, nameOrFn, context, options);
  return timer as Timer;
}

function isDecoratorContext(v: unknown): v is ClassMethodDecoratorContext {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' && typeof (v as { addInitializer?: unknown }).addInitializer === 'function';
}

function wrapWith(
  fn: AnyFunction,
  name: string | undefined,
  context: ClassMethodDecoratorContext | undefined,
  options: TimedOptions,
): AnyFunction {
  if (typeof fn !== 'function') invalidArgument(notAFunctionMessage('timed', fn, context));
  if (context !== undefined && context.kind !== 'method') {
    invalidArgument(`timed: only methods can be decorated, got a ${String(context.kind)}`);
  }
  const resolved = name ?? (context ? String(context.name) : fn.name);
  if (resolved === '') invalidArgument('timed: the function is anonymous; pass a name: timed("my_operation")(fn)');
  const monitor = options?.monitor ?? PerformanceMonitor.global;
  if (typeof (monitor as Partial<PerformanceMonitor>).recorder !== 'function') {
    invalidArgument('timed: options.monitor must be a PerformanceMonitor, e.g. timed("x", { monitor: PerformanceMonitor.isolated() })');
  }
  return makeTimed(fn, resolved, monitor);
}
