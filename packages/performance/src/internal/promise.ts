/**
 * True for native promises (what every `async` function returns, from any realm) and their subclasses.
 * Other thenables are deliberately not recognized: a query builder (Knex, a Mongoose `Query`) runs its query on
 * every `then()`, so subscribing to one next to the caller's own `await` would run it twice (two inserts,
 * or Mongoose's "Query was already executed").
 */
export function isPromise(v: unknown): v is Promise<unknown> {
  if (v === null || typeof v !== 'object') return false;
  if (v instanceof Promise) return true;
  try {
    // Most results are plain objects: one property read rules them out before the tag is built.
    if (typeof (v as { then?: unknown }).then !== 'function') return false;
    // A promise from another realm (vm context, iframe) fails instanceof but keeps its tag.
    return Object.prototype.toString.call(v) === '[object Promise]';
  } catch {
    // A revoked proxy, or a Symbol.toStringTag getter that throws: not a promise we can watch.
    return false;
  }
}
