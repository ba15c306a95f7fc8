import { isCommonPassword } from './rules';

describe('isCommonPassword', () => {
  it.each(['password123', '12345678', 'iloveyou', 'Password1', 'QWERTYUIOP'])('knows %s', (password) => {
    expect(isCommonPassword(password)).toBe(true);
  });

  it.each(['a good long password', 'correct horse battery staple', 'x7#kQ!p2vL9z'])('lets %s through', (password) => {
    expect(isCommonPassword(password)).toBe(false);
  });
});
