/**
 * The message for a decorator or wrapper given something that is not a function. A legacy
 * (`experimentalDecorators`) method decorator is called as (prototype, key, descriptor): say so, since
 * "got object" alone does not tell a NestJS/TypeORM user what to change.
 */
export function notAFunctionMessage(what: string, fn: unknown, context: unknown): string {
  const legacy = typeof context === 'string' || typeof context === 'symbol';
  return legacy
    ? `${what}: called as a legacy decorator (experimentalDecorators) on "${String(context)}"; ${what} is a standard (TC39) decorator: turn experimentalDecorators off for this file, or wrap the function instead (${what}(...)(fn))`
    : `${what}: expected a function to wrap, got ${fn === null ? 'null' : typeof fn}`;
}

const SKIP = new Set<PropertyKey>(['length', 'name', 'prototype', 'arguments', 'caller']);

/**
 * Gives `wrapper` the `name` and `length` of `fn` and copies `fn`'s own extra properties (such as the
 * `cache` handle of a `cached` function), so stacking `timed(cached(fn))` keeps `.cache` reachable and the
 * wrapper's declared type (`typeof fn`) stays true.
 */
export function copyFunctionProperties(wrapper: object, fn: object): void {
  for (const key of Reflect.ownKeys(fn)) {
    if (SKIP.has(key)) continue;
    const d = Object.getOwnPropertyDescriptor(fn, key);
    if (d) Object.defineProperty(wrapper, key, d);
  }
  const name = (fn as { name?: unknown }).name;
  if (typeof name === 'string') Object.defineProperty(wrapper, 'name', { value: name, configurable: true });
  const length = (fn as { length?: unknown }).length;
  if (typeof length === 'number') Object.defineProperty(wrapper, 'length', { value: length, configurable: true });
}
