import { safeNext, signInPath } from './paths';

// Found by the issue 8 security review (ASVS 5.1.5): "/\t/evil.example" passed the check and browsers read it as "//evil.example".
const resolve = (path: string) => new URL(path, 'https://microtick.example').origin;

describe('safeNext', () => {
  it.each(['/', '/orders', '/tickets/5b0c1a8e-2f7e-4d3b-9a59-2a7f3f0c9d11', '/?q=jazz%20night', '/tickets/mine#top'])(
    'keeps the in-app path %j',
    (path) => {
      expect(safeNext(path)).toBe(path);
    },
  );

  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['an absolute URL', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example/'],
    ['a backslash after the slash', '/\\evil.example'],
    ['a backslash later on', '/a/..\\..\\evil.example'],
    ['a tab after the slash', '/\t/evil.example'],
    ['a line break after the slash', '/\n/evil.example'],
    ['CR LF after the slash', '/\r\n/evil.example'],
    ['a NUL', '/\u0000/evil.example'],
    ['DEL', '/\u007f/evil.example'],
    ['a relative path', 'evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
  ])('refuses %s and falls back', (_what, next) => {
    expect(safeNext(next)).toBe('/');
    expect(safeNext(next, '/orders')).toBe('/orders');
  });

  it('never yields a path a browser resolves to another origin', () => {
    const tricky = ['/\t/evil.example', '/\n/evil.example', '/\\evil.example', '//evil.example', '/\t\\evil.example'];
    for (const next of tricky) expect(resolve(safeNext(next))).toBe('https://microtick.example');
  });
});

describe('signInPath', () => {
  it('carries the path to return to, encoded', () => {
    expect(signInPath('/orders/1?x=1&y=2')).toBe('/auth/signin?next=%2Forders%2F1%3Fx%3D1%26y%3D2');
  });
});
