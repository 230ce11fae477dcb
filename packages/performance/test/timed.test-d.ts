import { describe, expectTypeOf, it } from 'vitest';
import { timed } from '../src/timed.js';
import { cached, type CacheHandle } from '../src/cached.js';

describe('timed types', () => {
  it('keeps the wrapped signature', () => {
    const f = timed('x')((a: number, b: string): string => `${a}${b}`);
    expectTypeOf(f).toEqualTypeOf<(a: number, b: string) => string>();
    const g = timed('y')(async (id: string) => ({ id }));
    expectTypeOf(g).parameters.toEqualTypeOf<[id: string]>();
    expectTypeOf(g).returns.toEqualTypeOf<Promise<{ id: string }>>();
    const generic = timed('z')(<T>(x: T): T[] => [x]);
    expectTypeOf(generic(1)).toEqualTypeOf<number[]>();
    const direct = timed(function named(x: boolean) {
      return !x;
    });
    expectTypeOf(direct).toEqualTypeOf<(x: boolean) => boolean>();
  });

  it('keeps this for methods and decorated methods', () => {
    class Svc {
      n = 1;
      @timed('svc')
      add(x: number): number {
        return this.n + x;
      }
    }
    expectTypeOf(new Svc().add).toEqualTypeOf<(x: number) => number>();
  });

  it('keeps the cache handle of a cached function', () => {
    const f = timed('t')(cached({ maxSize: 5 })((x: number) => x));
    expectTypeOf(f.cache).toEqualTypeOf<CacheHandle>();
    expectTypeOf(f).parameters.toEqualTypeOf<[x: number]>();
    // @ts-expect-error a string is not a number
    f('1');
  });
});

describe('cached types', () => {
  it('keeps the signature and adds cache', () => {
    const f = cached({ maxSize: 10 })((x: number, y: number) => x + y);
    expectTypeOf(f).parameters.toEqualTypeOf<[x: number, y: number]>();
    expectTypeOf(f).returns.toEqualTypeOf<number>();
    expectTypeOf(f.cache.stats.hits).toEqualTypeOf<number>();
    const k = cached({ key: (q: { id: string }) => q.id })((q: { id: string }) => q.id.length);
    expectTypeOf(k).returns.toEqualTypeOf<number>();
  });

  it('works as a method decorator without changing the method type', () => {
    class Users {
      @cached({ maxSize: 100 })
      async get(id: string): Promise<{ id: string }> {
        return { id };
      }
    }
    expectTypeOf(new Users().get).toEqualTypeOf<(id: string) => Promise<{ id: string }>>();
  });
});
