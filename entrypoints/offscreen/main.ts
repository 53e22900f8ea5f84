/**
 * Chrome's offscreen document (never shown): runs the library steps that need a DOM for the
 * service worker — Markdown/EPUB exports, sanitising imported HTML, download blob URLs
 * (utils/runtime/background/dom-tasks.ts). It reads the library through its own read-only use
 * of the same IndexedDB database; it never writes.
 */
import { Library } from '../../utils/library/store';
import { serveDomTasks } from '../../utils/runtime/background/dom';

let library: Library | null = null;
serveDomTasks(() => (library ??= new Library({ autoCompact: false, searchIndex: 'lazy' })));
