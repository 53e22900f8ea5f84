/**
 * An in-memory stand-in for the background's library, answering the library messages the UI
 * sends (the `sendMessage` boundary of utils/messages.ts), with a log of every call.
 */
import type { Library } from '../../../utils/library/store';
import type { SavedItem } from '../../../utils/library/types';
import type { ItemRow, ListFilter } from '../../../utils/messages';

export interface Call {
  type: string;
  data: any;
}

export function makeItem(n: number, overrides: Partial<SavedItem> = {}): SavedItem {
  const day = String(1 + (n % 28)).padStart(2, '0');
  return {
    id: `id-${n}`,
    url: `https://www.inkl.com/news/story-${n}`,
    title: `Story number ${n}`,
    byline: 'Ada Reyes',
    source: { name: n % 2 ? 'Latin Times' : 'Harbor Business Daily', url: `https://publisher.example/story-${n}` },
    aggregator: 'inkl',
    published: `2026-03-${day}`,
    // newer n = saved later
    savedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    tags: [],
    archived: false,
    favourite: false,
    words: 900,
    hasContent: true,
    html: `<p>Body of story ${n}.</p>`,
    canonicalUrl: null,
    excerpt: '',
    leadImage: null,
    readingMinutes: 4,
    lang: 'en',
    dir: 'ltr',
    read: false,
    progress: 0,
    updatedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    ...overrides,
  };
}

const row = (item: SavedItem): ItemRow => {
  const { html: _html, ...rest } = item;
  return structuredClone(rest);
};

function matches(item: SavedItem, f: ListFilter = {}, query?: string): boolean {
  if (f.unread !== undefined && item.read === f.unread) return false;
  if (f.archived !== undefined && item.archived !== f.archived) return false;
  if (f.favourite !== undefined && item.favourite !== f.favourite) return false;
  if (f.tag && !item.tags.some((t) => t.toLowerCase() === f.tag!.toLowerCase())) return false;
  if (f.publisher && item.source?.name !== f.publisher) return false;
  if (query) {
    const hay = [item.title, item.byline, item.source?.name, item.html].join(' ').toLowerCase();
    if (!query.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w))) return false;
  }
  return true;
}

export class FakeLibrary {
  items: SavedItem[] = [];
  calls: Call[] = [];
  /** message types that answer { ok: false } */
  failing = new Map<string, string>();
  /** what savedState/saveTab consider the current tab's page */
  tabItem: SavedItem = makeItem(9999, { title: 'The page in the tab' });
  damaged: Array<{ id: string; error: string; store: 'items' }> = [];
  /** the library database the page imports into itself (see ImportPanel's pageLibrary) */
  shared: Library | null = null;
  /** imported articles the background still sanitises and indexes (libraryStats.pending) */
  pending = 0;
  /** an export answers once this settles (a slow export: the menu says it is preparing the file) */
  exportGate: Promise<void> | null = null;

  constructor(items: SavedItem[] = []) {
    this.items = items;
  }

  sorted(): SavedItem[] {
    return [...this.items].sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  of(type: string): Call[] {
    return this.calls.filter((c) => c.type === type);
  }

  handle = async (type: string, data: any): Promise<unknown> => {
    this.calls.push({ type, data: structuredClone(data) });
    const failure = this.failing.get(type);
    if (failure) return { ok: false, error: failure };
    switch (type) {
      case 'pageInfo':
        return {
          ok: true,
          isArticle: true,
          aggregator: 'inkl',
          title: this.tabItem.title,
          byline: null,
          source: this.tabItem.source,
          published: null,
          readingMinutes: 3,
        };
      case 'savedState': {
        const found = this.items.find((i) => i.id === this.tabItem.id);
        return { ok: true, saved: !!found, item: found ? row(found) : null };
      }
      case 'saveTab': {
        const existing = this.items.find((i) => i.id === this.tabItem.id);
        if (!existing) this.items.push({ ...structuredClone(this.tabItem), savedAt: new Date(Date.UTC(2027, 0, 1)).toISOString() });
        return { ok: true, id: this.tabItem.id, updated: !!existing };
      }
      case 'listSaved': {
        const all = this.sorted().filter((i) => matches(i, data.filter, data.query));
        const offset = data.offset ?? 0;
        const page = data.limit === undefined ? all.slice(offset) : all.slice(offset, offset + data.limit);
        return { ok: true, items: page.map(row), total: all.length, damaged: this.damaged };
      }
      case 'getSaved': {
        const item = this.items.find((i) => i.id === data.id);
        return item ? { ok: true, item: structuredClone(item) } : { ok: false, error: 'not-found' };
      }
      case 'updateSaved': {
        const out: ItemRow[] = [];
        for (const id of data.ids) {
          const item = this.items.find((i) => i.id === id);
          if (!item) return { ok: false, error: 'not-found' };
          Object.assign(item, data.patch);
          out.push(row(item));
        }
        return { ok: true, items: out };
      }
      case 'deleteSaved': {
        const deleted = this.items.filter((i) => data.ids.includes(i.id));
        this.items = this.items.filter((i) => !data.ids.includes(i.id));
        return { ok: true, deleted: structuredClone(deleted) };
      }
      case 'restoreSaved':
        this.items.push(...structuredClone(data.items as SavedItem[]));
        return { ok: true };
      case 'libraryStats': {
        const tags = new Map<string, number>();
        const pubs = new Map<string, number>();
        for (const i of this.items) {
          for (const t of i.tags) tags.set(t, (tags.get(t) ?? 0) + 1);
          if (i.source?.name) pubs.set(i.source.name, (pubs.get(i.source.name) ?? 0) + 1);
        }
        return {
          ok: true,
          total: this.items.length,
          unread: this.items.filter((i) => !i.read).length,
          archived: this.items.filter((i) => i.archived).length,
          favourites: this.items.filter((i) => i.favourite).length,
          withContent: this.items.length,
          tags: [...tags].map(([tag, count]) => ({ tag, count })),
          publishers: [...pubs].map(([name, count]) => ({ name, count })),
          damaged: this.damaged,
          schemaVersion: 3,
          pending: this.pending,
        };
      }
      case 'exportLibrary':
        await this.exportGate;
        return { ok: true, filename: `lectern-2026-03-04.${data.format}`, mimeType: 'application/json', text: '{}', downloadId: 1 };
      case 'importWritten': {
        // the page wrote into the shared database (here: `shared`); the background's list shows it
        for (const id of data.ids as string[]) {
          const item = await this.shared?.get(id);
          if (item) this.items.push(item);
        }
        return { ok: true };
      }
      case 'openLibrary':
      case 'openReader':
        return { ok: true };
      default:
        return { ok: false, error: `unknown message ${type}` };
    }
  };
}
