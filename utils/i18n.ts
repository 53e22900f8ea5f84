/**
 * The one way Lectern's UI gets a user-visible string: `t(key, subs?)` over
 * `browser.i18n.getMessage`. Every key lives in public/_locales/en/messages.json.
 */
import { browser } from 'wxt/browser';
import type messages from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

export function t(key: MessageKey, subs?: string | number | Array<string | number>): string {
  const list = subs === undefined ? undefined : (Array.isArray(subs) ? subs : [subs]).map(String);
  try {
    const text = browser.i18n.getMessage(key as never, list);
    if (text) return text;
  } catch {
    // i18n unavailable (unit tests without a mock): fall through to the key
  }
  return list?.length ? `${key}(${list.join(', ')})` : key;
}

/** The browser UI language, for dates and numbers. */
export function uiLanguage(): string {
  try {
    return browser.i18n.getUILanguage() || 'en';
  } catch {
    return 'en';
  }
}

/** The UI's writing direction (from the browser locale), independent of the page's. */
export function uiDirection(): 'ltr' | 'rtl' {
  try {
    return browser.i18n.getMessage('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr';
  } catch {
    return 'ltr';
  }
}
