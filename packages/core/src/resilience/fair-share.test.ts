import { describe, expect, it } from 'vitest';
import { FairShare, type Share } from './fair-share.js';

type Item = Share & { name: string };

function line(weights: Record<string, number> = {}) {
  const share = new FairShare<Item>((tenant) => weights[tenant] ?? 1);
  let seq = 0;
  const add = (tenant: string, count = 1, priority = 0) => {
    const added: Item[] = [];
    for (let i = 0; i < count; i++) {
      const item = { tenant, priority, seq: seq++, gone: false, name: `${tenant}${seq}` };
      share.add(item);
      added.push(item);
    }
    return added;
  };
  /** Serves `turns` waiters, each admitted: the tenants in the order they were served. */
  const serve = (turns = Number.POSITIVE_INFINITY) => {
    const order: string[] = [];
    for (let turn = 0; turn < turns; turn++) {
      const item = share.take();
      if (!item) break;
      share.charge(item.tenant);
      order.push(item.tenant);
    }
    return order.join('');
  };
  return { share, add, serve };
}

describe('FairShare', () => {
  it('one tenant: priority first, then arrival', () => {
    const { share, add } = line();
    add('a', 2);
    add('a', 1, 5);
    add('a', 1);
    const names: string[] = [];
    for (let item = share.take(); item; item = share.take()) names.push(item.name);
    expect(names).toEqual(['a3', 'a1', 'a2', 'a4']);
  });

  it('equal weights alternate while both wait, whoever arrived in bulk first', () => {
    const { add, serve } = line();
    add('a', 6);
    add('b', 3);
    expect(serve()).toBe('abababaaa');
  });

  it('weights 3:1 give three turns to one while both wait', () => {
    const { add, serve } = line({ a: 3 });
    add('a', 30);
    add('b', 30);
    const order = serve(40);
    expect(order.split('').filter((tenant) => tenant === 'a')).toHaveLength(30);
    // Every window of four turns has exactly one b.
    for (let at = 0; at + 4 <= 40; at += 4) expect(order.slice(at, at + 4).split('b')).toHaveLength(2);
  });

  it('a lone tenant gets every turn; one that joins later starts level, not owed the idle turns', () => {
    const { add, serve } = line();
    add('a', 20);
    expect(serve(10)).toBe('aaaaaaaaaa');
    add('b', 5);
    expect(serve(10)).toBe('babababab' + 'a');
  });

  it('a waiter taken but not admitted keeps its tenant’s turn', () => {
    const { share, add } = line();
    add('a', 2);
    add('b', 2);
    const first = share.take() as Item;
    expect(first.name).toBe('a1');
    // Not charged (it found no capacity and came back): its tenant is still first.
    share.add({ ...first, gone: false });
    expect(share.take()?.name).toBe('a1');
    share.charge('a');
    expect(share.take()?.name).toBe('b3');
  });

  it('removed waiters are never served and free their tenant’s place', () => {
    const { share, add, serve } = line();
    const [a1, a2] = add('a', 2);
    add('b', 1);
    share.remove(a1 as Item);
    share.remove(a2 as Item);
    share.remove(a2 as Item);
    expect(share.size).toBe(1);
    expect(serve()).toBe('b');
    expect(share.size).toBe(0);
    expect(share.take()).toBeUndefined();
  });

  it('stays fair through many removals and re-entries (stale heap entries are dropped)', () => {
    const { share, add, serve } = line();
    const many = add('a', 500);
    add('b', 500);
    for (const item of many.slice(0, 400)) share.remove(item);
    expect(share.size).toBe(600);
    expect(serve(200)).toBe('ab'.repeat(100));
    expect(serve()).toBe('b'.repeat(400));
  });
});
