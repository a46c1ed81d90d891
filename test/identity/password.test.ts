/** scrypt password hashes: salted, self-describing, and never matching a malformed stored value. */
import { describe, expect, it } from 'vitest';
import { hashPassword, hashPasswordSync, verifyPassword } from '../../src/identity/password.js';

describe('password hashes', () => {
  it('salts every hash, verifies the right password only, and the sync and async forms agree', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b); // a random salt each time
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('correct horse battery', hashPasswordSync('correct horse battery'))).toBe(true);
    // the same text in two Unicode normal forms is the same password
    expect(await verifyPassword('caf\u0065\u0301-password', await hashPassword('caf\u00e9-password'))).toBe(true);
  });

  it('a malformed or tampered stored hash never matches (and asks for no absurd cost)', async () => {
    const good = await hashPassword('secret-password');
    const [, n, r, p, salt, key] = good.split('$');
    for (const stored of ['', 'plain', `bcrypt$${n}$${r}$${p}$${salt}$${key}`, `scrypt$${n}$${r}$${p}$${salt}`,
      `scrypt$${2 ** 24}$${r}$${p}$${salt}$${key}`, `scrypt$0$${r}$${p}$${salt}$${key}`, `scrypt$${n}$${r}$${p}$${salt}$${key!.slice(4)}`]) {
      expect(await verifyPassword('secret-password', stored), stored.slice(0, 40)).toBe(false);
    }
  });
});
