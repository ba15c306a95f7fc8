import { lockoutAccount, newPasswordProblem } from './rules';

describe('newPasswordProblem', () => {
  it.each([
    ['qwerty123456', 'This password is one of the most common: choose one that is harder to guess'],
    ['LeaveMeAlone', 'This password is one of the most common: choose one that is harder to guess'],
    ['1QAZ2WSX3EDC', 'This password is one of the most common: choose one that is harder to guess'],
    ['eleven char', 'Password must be between 12 and 128 characters'],
    ['x'.repeat(129), 'Password must be between 12 and 128 characters'],
    ['zzzzzzzzzzzzzz', 'Password must not be one character repeated'],
    ['my name is Alice-Smith!', 'Password must not contain your email address'],
  ])('refuses %j for alice-smith@example.com', (password, problem) => {
    expect(newPasswordProblem(password, 'alice-smith@example.com')).toBe(problem);
  });

  it.each(['a good long password', 'correct horse battery staple', 'x7#kQ!p2vL9z', 'x'.repeat(127) + 'y'])(
    'accepts %j',
    (password) => {
      expect(newPasswordProblem(password, 'alice-smith@example.com')).toBeUndefined();
    },
  );

  it('ignores an email local part shorter than 3 characters', () => {
    expect(newPasswordProblem('about a long walk', 'al@example.com')).toBeUndefined();
  });
});

describe('lockoutAccount', () => {
  it('counts failures against the trimmed, lower-cased email', () => {
    expect(lockoutAccount('  Alice@Example.COM ')).toBe('alice@example.com');
  });

  it.each<unknown>([{ toString: 1 }, ['a@example.com'], 42, null, undefined])(
    'names no account for %j, which is not a string',
    (email) => {
      expect(lockoutAccount(email)).toBe('');
    },
  );
});
