import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

// A real argon2id hash of a random string, so unknown e-mails cost as much time as wrong passwords.
export const TIMING_DECOY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$dW5rbm93bi11c2VyLXNhbHQ$4W8XH8hIhmRrUZEJc5lm8nQZQ9D8mHq5ZDY2x0aeg2s';

@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return hash(password);
  }

  /** Verifies against the hash, or against a decoy when there is none, so timing says nothing about the user. */
  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    try {
      const ok = await verify(passwordHash ?? TIMING_DECOY_HASH, password);
      return ok && passwordHash !== null;
    } catch {
      return false;
    }
  }
}
