import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fakeBrowser } from 'wxt/testing/fake-browser';

type Entry = { message: string; placeholders?: Record<string, { content: string }> };
const messages = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../../public/_locales/en/messages.json'), 'utf8'),
) as Record<string, Entry>;

/** browser.i18n as Chrome does it for the en locale: $NAME$ placeholders → $1…$9 → subs. */
export function mockI18n(): void {
  fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
    const entry = messages[key];
    if (!entry) return '';
    const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return entry.message.replace(/\$([A-Za-z_]+)\$/g, (_, name: string) => {
      const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
      return content.replace(/\$(\d)/g, (__, n: string) => list[Number(n) - 1] ?? '');
    });
  }) as never;
  fakeBrowser.i18n.getUILanguage = (() => 'en-GB') as never;
}
