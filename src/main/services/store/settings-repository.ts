// Small per-library settings kept in the database, created on first use.
import { newSiteSecret } from '../feedback/pseudonym';
import type { Db } from './open-database';

const SECRET_KEY = 'pseudonym-secret';

export class SettingsRepository {
  constructor(private readonly db: Db) {}

  get(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value ?? null;
  }

  set(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  /** The site's pseudonymisation key (32 random bytes, hex): made once, never exported. */
  pseudonymSecret(): string {
    const existing = this.get(SECRET_KEY);
    if (existing) return existing;
    const secret = newSiteSecret();
    this.db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(SECRET_KEY, secret);
    return this.get(SECRET_KEY)!;
  }
}
