import { outboxSignal } from '@microtick/common';
import { FirstPageCache } from './first-page-cache';

describe('FirstPageCache', () => {
  let cache: FirstPageCache;
  beforeEach(() => {
    cache = new FirstPageCache(250);
  });
  afterEach(() => cache.close());

  it('serves a page until its time is up, then not', () => {
    const page = cache.set('first', '{"tickets":[]}', cache.version(), 1_000);
    expect(cache.get('first', 1_249)).toMatchObject(page);
    expect(cache.get('first', 1_250)).toBeUndefined();
  });

  it('forgets every page when this process records an event (a ticket changed)', () => {
    cache.set('first', '{"tickets":[]}', cache.version(), 1_000);
    outboxSignal.emit('recorded');
    expect(cache.get('first', 1_001)).toBeUndefined();
  });

  it('does not keep a page read before a change that committed while it was being read', () => {
    const readAt = cache.version();
    outboxSignal.emit('recorded');
    const page = cache.set('first', '{"tickets":[]}', readAt, 1_000);
    expect(page.body).toBe('{"tickets":[]}');
    expect(cache.get('first', 1_001)).toBeUndefined();
  });

  it('gives the same body the same ETag and another body another', () => {
    const a = cache.set('a', '{"tickets":[1]}', cache.version());
    const b = cache.set('b', '{"tickets":[1]}', cache.version());
    const c = cache.set('c', '{"tickets":[2]}', cache.version());
    expect(a.etag).toBe(b.etag);
    expect(a.etag).not.toBe(c.etag);
  });
});
