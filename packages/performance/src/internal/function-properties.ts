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
