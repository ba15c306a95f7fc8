import { MAX_PREPARED_STATEMENTS, withPreparedName } from './pool';

describe('withPreparedName', () => {
  const callback = () => undefined;

  it('names a statement with parameters after its text, the same name every time', () => {
    const [first] = withPreparedName('SELECT $1::int', [1], callback);
    const [again, values, kept] = withPreparedName('SELECT $1::int', [2], callback);
    expect(first).toEqual({ name: expect.any(String), text: 'SELECT $1::int', values: [1] });
    expect(again).toEqual({ name: (first as { name: string }).name, text: 'SELECT $1::int', values: [2] });
    expect([values, kept]).toEqual([undefined, callback]);
    expect((withPreparedName('SELECT $1::text', ['a'])[0] as { name: string }).name).not.toBe(
      (first as { name: string }).name,
    );
  });

  it('passes statements without parameters, named ones and query objects through unchanged', () => {
    const named = { name: 'mine', text: 'SELECT $1::int', values: [1] };
    const submittable = { submit: () => undefined, text: 'SELECT $1::int', values: [1] };
    expect(withPreparedName('BEGIN')).toEqual(['BEGIN', undefined, undefined]);
    expect(withPreparedName(named)[0]).toBe(named);
    expect(withPreparedName(submittable)[0]).toBe(submittable);
    expect(withPreparedName({ text: 'SELECT 1' })[0]).toEqual({ text: 'SELECT 1' });
  });

  it(`stops naming new texts after ${MAX_PREPARED_STATEMENTS}, so varying texts cannot grow every connection`, () => {
    const names = Array.from({ length: MAX_PREPARED_STATEMENTS + 5 }, (_, i) => {
      const [config] = withPreparedName(`SELECT $1::int + ${i}`, [i]);
      return typeof config === 'object' ? (config as { name: string }).name : undefined;
    });
    const named = names.filter(Boolean);
    expect(named.length).toBeLessThanOrEqual(MAX_PREPARED_STATEMENTS);
    expect(names.at(-1)).toBeUndefined();
    expect(new Set(named).size).toBe(named.length);
  });
});
