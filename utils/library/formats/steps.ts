/**
 * The slow exports (Markdown, EPUB) are written as generators that yield the number of items
 * done after each one, so that one implementation serves both a plain synchronous call and an
 * async one that gives the event loop (and a progress bar) a turn every few items.
 */
export function runSteps<T>(gen: Generator<number, T>): T {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

export interface StepOptions {
  /** called after each item with (done, total) */
  onProgress?: (done: number, total: number) => void;
  /** abort between items; the promise rejects with the signal's reason */
  signal?: AbortSignal;
  /** yield to the event loop after this many milliseconds of work (default 50) */
  sliceMs?: number;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function runStepsAsync<T>(gen: Generator<number, T>, total: number, opts: StepOptions = {}): Promise<T> {
  const slice = opts.sliceMs ?? 50;
  let start = Date.now();
  for (;;) {
    opts.signal?.throwIfAborted();
    const r = gen.next();
    if (r.done) return r.value;
    opts.onProgress?.(r.value, total);
    if (Date.now() - start >= slice) {
      await tick();
      start = Date.now();
    }
  }
}
