import type { AggregatorId, Source } from '../types';

/**
 * One saved article (or link). The field names of the first block are those of the
 * test contract's `listSaved()` items; `getSaved()` adds `html`.
 */
export interface SavedItem {
  /** stable id, derived from the item's identity key (see identity.ts) */
  id: string;
  /** where the article was read: the aggregator page, or the publisher page itself */
  url: string;
  title: string;
  byline: string | null;
  source: Source | null;
  aggregator: AggregatorId | null;
  /** ISO 8601 */
  published: string | null;
  /** ISO 8601 */
  savedAt: string;
  tags: string[];
  archived: boolean;
  favourite: boolean;
  words: number;
  /** false for a link saved without content (context menu on a link, imports without content) */
  hasContent: boolean;

  // --- the rest of the record (issue 4) ---
  /** sanitised article HTML for offline reading ('' when hasContent is false) */
  html: string;
  canonicalUrl: string | null;
  excerpt: string;
  leadImage: string | null;
  readingMinutes: number;
  lang: string | null;
  dir: 'ltr' | 'rtl' | null;
  /** true once the user finished / marked it read */
  read: boolean;
  /** reading progress, 0..1 */
  progress: number;
  /** ISO 8601 of the last change to this record */
  updatedAt: string;
}
