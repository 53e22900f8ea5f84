import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const messages = JSON.parse(readFileSync(path.join(root, 'public/_locales/en/messages.json'), 'utf8')) as Record<
  string,
  { message: string; description?: string; placeholders?: Record<string, { content: string }> }
>;
const fixtures = path.join(root, 'tests/fixtures/aggregators');
const wallStrings = readdirSync(fixtures)
  .filter((name) => existsSync(path.join(fixtures, name, 'expected.json')))
  .flatMap((name) => JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8')).mustNotContain ?? [])
  .map((s: string) => s.toLowerCase());

describe('UI strings (public/_locales/en/messages.json)', () => {
  it('has the fixture wall strings to compare against', () => {
    expect(wallStrings.length).toBeGreaterThan(100);
  });

  it("never contains a wall/promo string an outside test looks for in the overlay", () => {
    const hits: string[] = [];
    for (const [key, { message }] of Object.entries(messages)) {
      const text = message.toLowerCase();
      for (const wall of [...wallStrings, 'subscribe', 'sign in', 'open app', 'advertisement']) {
        if (text.includes(wall)) hits.push(`${key}: "${message}" contains "${wall}"`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('every $NAME$ placeholder is declared, and every message is described', () => {
    for (const [key, entry] of Object.entries(messages)) {
      expect(entry.description, key).toBeTruthy();
      for (const [, name] of entry.message.matchAll(/\$([A-Z_]+)\$/g)) {
        expect(entry.placeholders?.[name.toLowerCase()], `${key} $${name}$`).toBeDefined();
      }
    }
  });
});
