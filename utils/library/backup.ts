/**
 * A JSON backup's parts, kept from one backup to the next (pure planning; store.ts reads and
 * writes them, `Library.backupParts`).
 *
 * Why: in Chromium, handing a 300 MB file made in a page to a download costs ~2 s by itself
 * (the bytes cross to the browser process, then are written out), on top of reading 10,000
 * bodies out of IndexedDB (~2 s). A Blob that IndexedDB already holds is a file the browser
 * process has: a download made of 40 of them starts at once and is on disk in ~1 s
 * (docs/benchmarks.md, fifth session). So a backup stores what it wrote — the serialised items,
 * 50 to a part, each part a Blob in meta `backup:<key>` — and the next backup writes
 * again only the parts whose items changed, were deleted, or are new, and hands the browser
 * the stored parts for the rest. The file is the same, item for item, as one written from
 * scratch (tests); only the items' order differs: newest first as they entered the backup
 * (items saved since the last backup come first).
 *
 * What marks a part as stale: one of its items is gone, its row is not the row the part was
 * written from (`rowMark`: a 53-bit hash of the row's JSON — every edit, tag, state, progress
 * or re-save changes the row), or the change log names it since the part was written (a body
 * rewritten without a row change: an imported body cleaned). Delete drops every part that
 * holds a deleted item at once, in its own transaction (a deleted article's text is not kept
 * in a backup part); clear drops all.
 *
 * The parts are made before any backup: the background writes the missing and stale ones after
 * writes, imports and at start, in rounds (LibraryOptions.backupRefresh), so the first backup
 * finds them too. An export of a filter or a selection uses the parts all of whose items it
 * names, takes runs of its items a part holds one after the other as slices of the part when
 * there are few runs (`starts`), and writes the rest (backupParts `only`; nothing stored).
 *
 * Cost: the parts take about the library's size again on disk.
 */

import { hash53 } from './identity';

/**
 * Items per part: a change rewrites at most this many (≈ 1.5 MB at 30 KB an article); a download
 * made of 200 stored parts starts as fast as one of 40 (docs/benchmarks.md, fifth session).
 */
export const BACKUP_PART_ITEMS = 50;

export const BACKUP_STATE_KEY = 'backup';
export const backupPartKey = (key: number): string => `backup:${key}`;
/** every part's meta key (not the state's) */
export const BACKUP_PART_KEYS = (): IDBKeyRange => IDBKeyRange.bound('backup:', 'backup:\uffff');

export interface BackupPart {
  /** meta key `backup:<key>` holds the part's Blob */
  key: number;
  /** the items written in it, in its order */
  ids: string[];
  /** rowMark of each item's row when it was written */
  marks: number[];
  /** the part's size: a stored Blob of another size is not used (written again) */
  bytes: number;
  /** where each item starts in the part (after the line feed before it): an export of some items takes runs of them as slices */
  starts?: number[];
}

export interface BackupState {
  v: 1;
  /** the item writer's id (BackupWriter.id) the parts were written by: another one reuses none */
  writer: string;
  /** incremented by every write of the state: a backup built meanwhile does not overwrite it */
  gen: number;
  /** the library's rev the parts are as new as (at least) */
  rev: number;
  parts: BackupPart[];
}

/** What a part remembers of a row: any change to it (any field) changes the mark. */
export function rowMark(row: object): number {
  return hash53(JSON.stringify(row));
}

const isNat = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The stored state, or null when there is none or it is not one this code wrote (then every part is rebuilt). */
export function readBackupState(v: unknown): BackupState | null {
  if (!v || typeof v !== 'object') return null;
  const s = v as BackupState;
  if (s.v !== 1 || typeof s.writer !== 'string' || !isNat(s.gen) || !isNat(s.rev) || !Array.isArray(s.parts)) return null;
  const keys = new Set<number>();
  for (const p of s.parts) {
    if (!p || typeof p !== 'object' || !isNat(p.key) || keys.has(p.key) || !isNat(p.bytes)) return null;
    if (!Array.isArray(p.ids) || !Array.isArray(p.marks) || p.ids.length !== p.marks.length || p.ids.length === 0) return null;
    if (!p.ids.every((id) => typeof id === 'string') || !p.marks.every(isNat)) return null;
    if (p.starts !== undefined && !(Array.isArray(p.starts) && p.starts.length === p.ids.length && p.starts.every((x, i) => isNat(x) && x >= 1 && x < p.bytes && (i === 0 || x > p.starts![i - 1]!)))) return null;
    keys.add(p.key);
  }
  return s;
}

/**
 * `ids` as parts to write, in order: every part full but the first (new items join the first
 * part while it has room, and a refresh that writes the last parts first always fills one,
 * LibraryOptions.backupRefresh).
 */
export function partsOf(ids: readonly string[], partItems = BACKUP_PART_ITEMS): Array<{ build: string[] }> {
  const out: Array<{ build: string[] }> = [];
  for (let i = 0, n = ids.length % partItems || partItems; i < ids.length; i += n, n = partItems) out.push({ build: ids.slice(i, i + n) });
  return out;
}

/** One part of the next backup: a stored part used as it is, or items to write into a new part. */
export type PlannedPart = { keep: BackupPart } | { build: string[] };

export interface BackupPlan {
  parts: PlannedPart[];
  /** stored parts not used any more (rebuilt, emptied, or all of them when starting over) */
  drop: number[];
}

/**
 * Which stored parts the next backup keeps and which items it writes anew (none when they were
 * written by another `writer`).
 * `rows`: every item's id and mark, newest first; `changed`: ids the change log names since
 * `state.rev`, or null when the log does not reach back that far (then the marks decide alone).
 * New items (in no kept part) come first, written together with the first part when that one
 * is not full; a stale part is rewritten in its place with its items still saved; when the parts
 * have become many more than the items need (a part shrinks with deletes), everything is written
 * anew, newest first.
 */
export function planBackup(
  state: BackupState | null,
  rows: ReadonlyArray<{ id: string; mark: number }>,
  changed: ReadonlySet<string> | null,
  partItems = BACKUP_PART_ITEMS,
  writer = state?.writer,
): BackupPlan {
  partItems = Math.max(1, Math.floor(partItems));
  const chunk = (ids: string[]) => partsOf(ids, partItems);
  const all = (): BackupPlan => ({ parts: chunk(rows.map((r) => r.id)), drop: state ? state.parts.map((p) => p.key) : [] });
  if (!state || state.parts.length === 0 || state.writer !== writer) return all();
  const mark = new Map(rows.map((r) => [r.id, r.mark]));
  const placed = new Set<string>();
  const drop: number[] = [];
  const planned: PlannedPart[] = [];
  for (const p of state.parts) {
    const live: string[] = [];
    let stale = false;
    p.ids.forEach((id, i) => {
      const m = mark.get(id);
      // an id in two parts (never written so, but a state is data): the second copy is stale
      if (m === undefined || placed.has(id)) stale = true;
      else {
        live.push(id);
        placed.add(id);
        if (m !== p.marks[i] || changed?.has(id)) stale = true;
      }
    });
    if (!stale) planned.push({ keep: p });
    else {
      drop.push(p.key);
      if (live.length) planned.push({ build: live });
    }
  }
  const fresh = rows.filter((r) => !placed.has(r.id)).map((r) => r.id);
  if (fresh.length) {
    // the first part takes the new items while it has room: parts stay full as items are added
    const first = planned[0];
    const firstIds = !first ? [] : 'keep' in first ? first.keep.ids : first.build;
    if (first && firstIds.length < partItems) {
      if ('keep' in first) drop.push(first.keep.key);
      planned.splice(0, 1, ...chunk([...fresh, ...firstIds]));
    } else planned.unshift(...chunk(fresh));
  }
  // deletes leave parts part-empty: start over when there are twice the parts needed (and a few)
  const needed = Math.ceil(rows.length / partItems);
  if (planned.length > 2 * needed + 2) return all();
  return { parts: planned, drop };
}

/**
 * An export of some items (`chosen`, in the order asked; backupParts `only`) over the stored parts
 * that are still right (`fresh`, in file order): the parts all of whose items are chosen (used
 * whole), byte ranges of the others for runs of chosen items one after the other when a range
 * costs less than reading its items (`sliceCost` a range, `readCost` an item; a part's `starts`
 * needed), and the chosen items left to read, in the order asked. A range runs from the line
 * feed before its first item to the end of its last (not the ",\n" after it): a part's bytes
 * of its own.
 */
export function planSelection(
  fresh: readonly BackupPart[],
  chosen: readonly string[],
  cost: { slice: number; read: number },
): { whole: BackupPart[]; ranges: Array<{ key: number; start: number; end: number }>; items: number; rest: string[] } {
  const rest = new Set(chosen);
  const whole = fresh.filter((p) => p.ids.every((id) => rest.has(id)));
  for (const p of whole) for (const id of p.ids) rest.delete(id);
  const ranges: Array<{ key: number; start: number; end: number }> = [];
  let items = 0;
  for (const p of fresh) {
    if (!p.starts || whole.includes(p)) continue;
    const runs: Array<[number, number]> = [];
    let count = 0;
    p.ids.forEach((id, i) => {
      if (!rest.has(id)) return;
      count++;
      const run = runs.at(-1);
      if (run && run[1] === i - 1) run[1] = i;
      else runs.push([i, i]);
    });
    if (!count || runs.length * cost.slice >= count * cost.read) continue;
    for (const [a, b] of runs) ranges.push({ key: p.key, start: p.starts[a]! - 1, end: b + 1 < p.ids.length ? p.starts[b + 1]! - 2 : p.bytes });
    for (const id of p.ids) if (rest.delete(id)) items++;
  }
  return { whole, ranges, items, rest: [...rest] };
}

/**
 * A refresh round of at most `maxBuild` items to write (backupParts `partial`): the parts to
 * write last in file order first, at least one; the others left out (their items are newer, and
 * new items go before the parts: the next round puts them there).
 */
export function lastWithin<P extends PlannedPart>(planned: readonly P[], maxBuild: number): P[] {
  let budget = maxBuild;
  let some = false;
  return [...planned]
    .reverse()
    .filter((p) => {
      if ('keep' in p) return true;
      if (some && p.build.length > budget) return (budget = 0), false;
      budget -= p.build.length;
      some = true;
      return true;
    })
    .reverse();
}
