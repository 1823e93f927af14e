import { z } from 'zod';
import {
  changePasswordRequestSchema,
  createUserRequestSchema,
  loginRequestSchema,
  setupRequestSchema,
  updateUserRequestSchema,
} from './auth';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './rules';

const shortPassword = 'p'.repeat(PASSWORD_MIN_LENGTH - 1);
const goodPassword = 'p'.repeat(PASSWORD_MIN_LENGTH);

/** The issues of a value the schema must refuse. */
function issuesOf(schema: z.ZodType, value: unknown): z.core.$ZodIssue[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues;
}

function refusedPaths(schema: z.ZodType, value: unknown): string[] {
  return issuesOf(schema, value).map((issue) => issue.path.join('.'));
}

describe('auth contracts', () => {
  it('fixes the password policy at 12 to 256 characters', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(12);
    expect(PASSWORD_MAX_LENGTH).toBe(256);
  });

  describe('e-mail addresses', () => {
    it('lower-cases the address', () => {
      expect(loginRequestSchema.parse({ email: 'Alice.Smith@Example.COM', password: 'x' }).email).toBe(
        'alice.smith@example.com',
      );
    });

    it('does not trim: an address with surrounding spaces is refused rather than silently cleaned', () => {
      expect(refusedPaths(loginRequestSchema, { email: ' alice@example.com ', password: 'x' })).toEqual(['email']);
    });

    it('refuses something that is not an address', () => {
      expect(refusedPaths(loginRequestSchema, { email: 'alice', password: 'x' })).toEqual(['email']);
      expect(refusedPaths(loginRequestSchema, { email: '', password: 'x' })).toEqual(['email']);
    });

    it('refuses an address longer than 254 characters', () => {
      const local = 'a'.repeat(64);
      const domain = `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(50)}.com`;
      const tooLong = `${local}@${domain}`;
      expect(tooLong.length).toBeGreaterThan(254);
      expect(refusedPaths(loginRequestSchema, { email: tooLong, password: 'x' })).toContain('email');
    });
  });

  describe('loginRequestSchema', () => {
    it('accepts a password shorter than the policy so old passwords are never locked out', () => {
      expect(loginRequestSchema.parse({ email: 'a@example.com', password: 'short' })).toEqual({
        email: 'a@example.com',
        password: 'short',
      });
    });

    it('refuses an empty password and one over the maximum length', () => {
      expect(refusedPaths(loginRequestSchema, { email: 'a@example.com', password: '' })).toEqual(['password']);
      expect(
        refusedPaths(loginRequestSchema, { email: 'a@example.com', password: 'p'.repeat(PASSWORD_MAX_LENGTH + 1) }),
      ).toEqual(['password']);
    });

    it('refuses unknown keys', () => {
      const issues = issuesOf(loginRequestSchema, { email: 'a@example.com', password: 'x', remember: true });
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['remember'] });
    });

    it('refuses a missing field', () => {
      expect(refusedPaths(loginRequestSchema, { email: 'a@example.com' })).toEqual(['password']);
    });
  });

  describe('setupRequestSchema', () => {
    const valid = { token: 'setup-token', email: 'Admin@Example.com', password: goodPassword };

    it('accepts a password of exactly the minimum length and lower-cases the e-mail', () => {
      expect(setupRequestSchema.parse(valid)).toEqual({ ...valid, email: 'admin@example.com' });
    });

    it('refuses a password one character short of the policy', () => {
      expect(refusedPaths(setupRequestSchema, { ...valid, password: shortPassword })).toEqual(['password']);
    });

    it('refuses a password over the maximum length', () => {
      expect(refusedPaths(setupRequestSchema, { ...valid, password: 'p'.repeat(PASSWORD_MAX_LENGTH + 1) })).toEqual([
        'password',
      ]);
    });

    it('refuses an empty token', () => {
      expect(refusedPaths(setupRequestSchema, { ...valid, token: '' })).toEqual(['token']);
    });

    it('refuses unknown keys', () => {
      expect(issuesOf(setupRequestSchema, { ...valid, role: 'admin' })[0]).toMatchObject({
        code: 'unrecognized_keys',
        keys: ['role'],
      });
    });
  });

  describe('createUserRequestSchema', () => {
    it('defaults the role to user', () => {
      expect(createUserRequestSchema.parse({ email: 'u@example.com', password: goodPassword }).role).toBe('user');
    });

    it('accepts the admin role and refuses an unknown role', () => {
      expect(
        createUserRequestSchema.parse({ email: 'u@example.com', password: goodPassword, role: 'admin' }).role,
      ).toBe('admin');
      expect(
        refusedPaths(createUserRequestSchema, { email: 'u@example.com', password: goodPassword, role: 'root' }),
      ).toEqual(['role']);
    });

    it('refuses a password shorter than the policy', () => {
      expect(refusedPaths(createUserRequestSchema, { email: 'u@example.com', password: shortPassword })).toEqual([
        'password',
      ]);
    });

    it('refuses unknown keys', () => {
      expect(
        issuesOf(createUserRequestSchema, { email: 'u@example.com', password: goodPassword, locked: false })[0],
      ).toMatchObject({ code: 'unrecognized_keys', keys: ['locked'] });
    });
  });

  describe('updateUserRequestSchema', () => {
    it('refuses an empty object', () => {
      const issues = issuesOf(updateUserRequestSchema, {});
      expect(issues).toHaveLength(1);
      expect(issues[0].message).toBe('At least one field must be given');
      expect(issues[0].path).toEqual([]);
    });

    it('accepts a single field', () => {
      expect(updateUserRequestSchema.parse({ locked: true })).toEqual({ locked: true });
      expect(updateUserRequestSchema.parse({ role: 'admin' })).toEqual({ role: 'admin' });
    });

    it('lower-cases a new e-mail', () => {
      expect(updateUserRequestSchema.parse({ email: 'New@Example.com' })).toEqual({ email: 'new@example.com' });
    });

    it('applies the password policy to a new password', () => {
      expect(refusedPaths(updateUserRequestSchema, { password: shortPassword })).toEqual(['password']);
      expect(updateUserRequestSchema.parse({ password: goodPassword })).toEqual({ password: goodPassword });
    });

    it('refuses a string where a boolean is expected', () => {
      expect(refusedPaths(updateUserRequestSchema, { locked: 'true' })).toEqual(['locked']);
    });

    it('refuses unknown keys', () => {
      expect(issuesOf(updateUserRequestSchema, { locked: true, id: 'x' })[0]).toMatchObject({
        code: 'unrecognized_keys',
        keys: ['id'],
      });
    });
  });

  describe('changePasswordRequestSchema', () => {
    it('accepts a short current password but applies the policy to the new one', () => {
      expect(changePasswordRequestSchema.parse({ currentPassword: 'old', newPassword: goodPassword })).toEqual({
        currentPassword: 'old',
        newPassword: goodPassword,
      });
      expect(refusedPaths(changePasswordRequestSchema, { currentPassword: 'old', newPassword: shortPassword })).toEqual(
        ['newPassword'],
      );
    });

    it('refuses an empty current password', () => {
      expect(refusedPaths(changePasswordRequestSchema, { currentPassword: '', newPassword: goodPassword })).toEqual([
        'currentPassword',
      ]);
    });
  });
});
