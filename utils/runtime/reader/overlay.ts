/**
 * The overlay's shell: ONE <lectern-reader> element with an open shadow root, holding the
 * inlined CSS and a modal <dialog> (top layer, so no z-index race). It keeps itself attached,
 * visible and on top while open, and leaves the page exactly as it was when destroyed.
 */

export const HOST_TAG = 'lectern-reader';

/** Inline !important on the host beats any page stylesheet rule, !important or not. */
export const HOST_STYLE = [
  'all: initial',
  'display: block',
  'position: fixed',
  'top: 0',
  'left: 0',
  'width: 0',
  'height: 0',
  'margin: 0',
  'padding: 0',
  'border: 0',
  'overflow: visible',
  'visibility: visible',
  'opacity: 1',
  'z-index: 2147483647',
  'pointer-events: auto',
  'transform: none',
  'filter: none',
  'clip-path: none',
  'mask: none',
  'contain: none',
]
  .map((rule) => `${rule} !important`)
  .join('; ');

/**
 * Page-level rules, active only while the host is attached (`:has(> lectern-reader)`), so that a
 * page hiding everything (`* { display: none !important }`) cannot hide the reader's ancestor,
 * and so that printing gives only the article. Adopted as a constructed stylesheet (not an
 * element in the page's DOM); removed on close.
 */
export const PAGE_CSS = `
:root:root:root:has(> ${HOST_TAG}) {
  display: block !important;
  visibility: visible !important;
  opacity: 1 !important;
  content-visibility: visible !important;
}
@media print {
  :root:root:root:has(> ${HOST_TAG}) > :not(${HOST_TAG}) { display: none !important; }
}`;

/** Events that must not reach the page's own listeners (scroll locks, key swallowers, ...). */
const SHIELDED_EVENTS = [
  'wheel',
  'touchstart',
  'touchmove',
  'keydown',
  'keyup',
  'keypress',
  'mousedown',
  'mouseup',
  'click',
  'dblclick',
  'pointerdown',
  'pointerup',
  'contextmenu',
  'selectstart',
  'copy',
];

/** Attributes a page may put on unknown elements to hide or disable them. */
const GUARDED_ATTRIBUTES = ['style', 'hidden', 'inert', 'aria-hidden', 'class', 'popover'];

export interface OverlayOptions {
  css: string;
  /** id of the element inside the shadow root that names the dialog */
  labelledBy: string;
  /** the user closed the dialog (Esc, or the browser's close request) */
  onUserClose(): void;
}

function isModal(dialog: HTMLDialogElement): boolean {
  try {
    return dialog.matches(':modal');
  } catch {
    return dialog.open; // engines without :modal
  }
}

/** Adopt `css` into `root` as a constructed stylesheet; false when the engine cannot. */
function adoptSheet(doc: Document, root: ShadowRoot, css: string): boolean {
  const view = doc.defaultView as (Window & typeof globalThis) | null;
  if (!view?.CSSStyleSheet || !('adoptedStyleSheets' in root)) return false;
  try {
    const sheet = new view.CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    return root.adoptedStyleSheets.length === 1;
  } catch {
    return false;
  }
}

function stop(event: Event): void {
  event.stopPropagation();
}

export class Overlay {
  readonly host: HTMLElement;
  readonly shadow: ShadowRoot;
  readonly dialog: HTMLDialogElement;
  /** where the UI renders */
  readonly container: HTMLDivElement;
  private readonly doc: Document;
  private readonly printStyle: HTMLStyleElement;
  private pageSheet: CSSStyleSheet | null = null;
  private previousFocus: Element | null = null;
  /** last known scroll position and focus: a removal from the DOM loses both */
  private lastScrollTop = 0;
  private lastFocused: HTMLElement | null = null;
  private frame = 0;
  /**
   * Set once a page script removed the overlay. Every removal destroys the scroll box (and any
   * scroll animation in flight), so from then on wheel and scrolling keys move the article
   * at once instead of animating.
   */
  private instantScroll = false;
  private observers: MutationObserver[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private cleanups: Array<() => void> = [];
  private alive = false;
  private raises: number[] = [];

  constructor(doc: Document, private readonly options: OverlayOptions) {
    this.doc = doc;
    this.host = doc.createElement(HOST_TAG);
    this.host.setAttribute('style', HOST_STYLE);
    this.shadow = this.host.attachShadow({ mode: 'open' });
    this.dialog = doc.createElement('dialog');
    this.dialog.className = 'lectern-dialog';
    this.dialog.setAttribute('aria-labelledby', options.labelledBy);
    this.container = doc.createElement('div');
    this.container.className = 'frame';
    this.dialog.append(this.container);
    // The CSS goes into the shadow root as a constructed sheet where the engine allows it (a
    // page's CSP style-src cannot block it), else as a <style> element.
    if (!adoptSheet(doc, this.shadow, options.css)) {
      const style = doc.createElement('style');
      style.textContent = options.css;
      this.shadow.append(style);
    }
    this.shadow.append(this.dialog);
    this.printStyle = doc.createElement('style');
    this.printStyle.setAttribute('data-lectern', 'page');
    this.printStyle.textContent = PAGE_CSS;
    for (const type of SHIELDED_EVENTS) this.shadow.addEventListener(type, stop);
    this.shadow.addEventListener(
      'scroll',
      (event) => {
        if (event.target === this.scroller() && this.host.isConnected) this.lastScrollTop = this.scroller()!.scrollTop;
      },
      true,
    );
    this.shadow.addEventListener('focusin', (event) => {
      this.lastFocused = event.target as HTMLElement;
    });
    this.shadow.addEventListener('keydown', (event) => this.onScrollKey(event as KeyboardEvent));
  }

  /**
   * Window-level (capture, not passive): a wheel listener on a subtree that page scripts keep
   * removing can lose its place in the browser's wheel-handler bookkeeping, and then wheel
   * events never arrive. On the window it always does.
   */
  private onWheel = (event: WheelEvent): void => {
    const scroller = this.scroller();
    if (!this.instantScroll || !scroller || event.ctrlKey) return;
    if (!event.composedPath().includes(this.host)) return;
    const unit = event.deltaMode === 1 ? 40 : event.deltaMode === 2 ? scroller.clientHeight : 1;
    event.preventDefault();
    scroller.scrollTop += event.deltaY * unit;
    this.lastScrollTop = scroller.scrollTop;
  };

  private onScrollKey(event: KeyboardEvent): void {
    const scroller = this.scroller();
    if (!this.instantScroll || !scroller || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (target && (target.isContentEditable || /^(input|select|textarea|button|summary)$/i.test(target.localName))) return;
    const page = scroller.clientHeight * 0.875;
    const moves: Record<string, number> = {
      PageDown: page,
      PageUp: -page,
      ' ': event.shiftKey ? -page : page,
      ArrowDown: 40,
      ArrowUp: -40,
      Home: -scroller.scrollHeight,
      End: scroller.scrollHeight,
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    scroller.scrollTop += move;
    this.lastScrollTop = scroller.scrollTop;
  }

  /** Remember the scroll position every frame: after a removal it can no longer be read. */
  private trackScroll = (): void => {
    if (!this.alive) return;
    const scroller = this.scroller();
    if (scroller && this.host.parentNode === this.doc.documentElement && this.dialog.open) {
      this.lastScrollTop = scroller.scrollTop;
    }
    const view = this.view();
    this.frame = typeof view?.requestAnimationFrame === 'function' ? view.requestAnimationFrame(this.trackScroll) : 0;
  };

  private view(): Window | null {
    return this.doc.defaultView;
  }

  private scroller(): HTMLElement | null {
    return this.container.firstElementChild as HTMLElement | null;
  }

  get isOpen(): boolean {
    return this.alive;
  }

  mount(): void {
    if (this.alive) return;
    this.alive = true;
    this.previousFocus = this.doc.activeElement;
    this.attach();
    this.addPageStyle();
    this.showModal();
    this.watch();
    this.trackScroll();
  }

  /** Remove everything this overlay added and give focus back. */
  destroy(): void {
    if (!this.alive) return;
    this.alive = false;
    for (const observer of this.observers) observer.disconnect();
    this.observers = [];
    if (this.frame) this.view()?.cancelAnimationFrame?.(this.frame);
    this.frame = 0;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (this.dialog.open) this.dialog.close();
    this.host.remove();
    this.removePageStyle();
    const previous = this.previousFocus as HTMLElement | null;
    this.previousFocus = null;
    if (previous && previous.isConnected && typeof previous.focus === 'function') {
      try {
        previous.focus({ preventScroll: true });
      } catch {
        // focus is a courtesy
      }
    }
  }

  /** Put the dialog back on top of the top layer (another modal/popover opened after ours). */
  bringToFront(): void {
    if (!this.alive) return;
    // a page that fights back must not make us spin: at most 20 raises a second
    const now = Date.now();
    this.raises = this.raises.filter((time) => now - time < 1000);
    if (this.raises.length >= 20) return;
    this.raises.push(now);
    const wasAttached = this.host.parentNode === this.doc.documentElement;
    if (!wasAttached) this.instantScroll = true;
    const scroller = this.scroller();
    const scrollTop = wasAttached && scroller ? scroller.scrollTop : this.lastScrollTop;
    const focused = (this.shadow.activeElement as HTMLElement | null) ?? this.lastFocused;
    this.attach();
    if (this.dialog.open) this.dialog.close();
    this.showModal();
    if (scroller) scroller.scrollTop = scrollTop;
    this.lastScrollTop = scrollTop;
    if (focused && focused.isConnected && this.dialog.contains(focused)) focused.focus({ preventScroll: true });
  }

  /** true when the dialog is attached, modal and the element at the centre of the viewport. */
  isOnTop(): boolean {
    if (!this.alive || !this.host.isConnected || !this.dialog.open) return false;
    if (!isModal(this.dialog)) return false;
    const view = this.doc.defaultView;
    if (!view || typeof this.doc.elementFromPoint !== 'function') return true;
    const hit = this.doc.elementFromPoint(view.innerWidth / 2, view.innerHeight / 2);
    return hit === null || hit === this.host;
  }

  /** Keyboard-reachable elements of the dialog, in tree order (which is tab order here). */
  private tabbables(): HTMLElement[] {
    const selector =
      'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
    return Array.from(this.dialog.querySelectorAll<HTMLElement>(selector)).filter((el) => {
      if (el.closest('[hidden]')) return false;
      if (el instanceof HTMLInputElement && el.type === 'radio' && !el.checked) {
        // a radio group is one tab stop: its checked radio
        return !this.dialog.querySelector(`input[type="radio"][name="${CSS.escape(el.name)}"]:checked`);
      }
      return el.getClientRects().length > 0;
    });
  }

  private showModal(): void {
    try {
      this.dialog.showModal();
    } catch {
      // not connected or already modal elsewhere: fall back to an open, non-modal dialog
      if (!this.dialog.open) this.dialog.setAttribute('open', '');
    }
    if (!this.shadow.activeElement) this.focusContent();
  }

  focusContent(): void {
    const scroller = this.scroller();
    if (scroller) {
      if (!scroller.hasAttribute('tabindex')) scroller.setAttribute('tabindex', '-1');
      scroller.focus({ preventScroll: true });
    }
  }

  private attach(): void {
    const root = this.doc.documentElement;
    if (!root) return;
    if (this.host.parentNode !== root) root.append(this.host);
    this.restoreHostAttributes();
  }

  private restoreHostAttributes(): void {
    if (this.host.getAttribute('style') !== HOST_STYLE) this.host.setAttribute('style', HOST_STYLE);
    for (const name of GUARDED_ATTRIBUTES) {
      if (name !== 'style' && this.host.hasAttribute(name)) this.host.removeAttribute(name);
    }
  }

  private addPageStyle(): void {
    const view = this.doc.defaultView as (Window & typeof globalThis) | null;
    if (!this.pageSheet && view?.CSSStyleSheet && 'adoptedStyleSheets' in this.doc) {
      try {
        const sheet = new view.CSSStyleSheet();
        sheet.replaceSync(PAGE_CSS);
        this.doc.adoptedStyleSheets = [...this.doc.adoptedStyleSheets, sheet];
        this.pageSheet = sheet;
      } catch {
        this.pageSheet = null;
      }
    }
    if (this.pageSheet) return;
    // fallback: a <style> element in the page, re-added if a script removes it
    const parent = this.doc.head ?? this.doc.documentElement;
    if (parent && this.printStyle.parentNode !== parent) parent.append(this.printStyle);
  }

  private pageStyleMissing(): boolean {
    if (this.pageSheet) return !this.doc.adoptedStyleSheets.includes(this.pageSheet);
    return !this.printStyle.isConnected;
  }

  private removePageStyle(): void {
    if (this.pageSheet) {
      const sheet = this.pageSheet;
      this.doc.adoptedStyleSheets = this.doc.adoptedStyleSheets.filter((s) => s !== sheet);
      this.pageSheet = null;
    }
    this.printStyle.remove();
  }

  private watch(): void {
    const view = this.doc.defaultView;
    const MO = view?.MutationObserver ?? globalThis.MutationObserver;

    // removed (or moved) by page scripts → put it back and re-show
    const tree = new MO(() => {
      if (!this.alive) return;
      if (this.host.parentNode !== this.doc.documentElement) this.bringToFront();
      if (this.pageStyleMissing()) {
        this.pageSheet = null;
        this.addPageStyle();
      }
    });
    tree.observe(this.doc, { childList: true });
    if (this.doc.documentElement) tree.observe(this.doc.documentElement, { childList: true });
    if (this.doc.head) tree.observe(this.doc.head, { childList: true });
    this.observers.push(tree);

    // restyled / hidden / made inert → restore the host's own attributes
    const attrs = new MO(() => {
      if (this.alive) this.restoreHostAttributes();
    });
    attrs.observe(this.host, { attributes: true, attributeFilter: GUARDED_ATTRIBUTES });
    this.observers.push(attrs);

    // the page opened its own dialog → ours goes back on top
    const dialogs = new MO((records) => {
      if (!this.alive) return;
      if (records.some((r) => r.target !== this.dialog && (r.target as Element).hasAttribute?.('open'))) {
        this.bringToFront();
      }
    });
    dialogs.observe(this.doc, { subtree: true, attributes: true, attributeFilter: ['open'] });
    this.observers.push(dialogs);

    // popovers (and dialogs in recent browsers) announce themselves with toggle events
    const onToggle = (event: Event) => {
      const target = event.target as Element | null;
      if (!this.alive || target === this.host || (event as ToggleEvent).newState !== 'open') return;
      queueMicrotask(() => this.bringToFront());
    };
    const onFullscreen = () => {
      if (this.doc.fullscreenElement && this.doc.fullscreenElement !== this.host) this.bringToFront();
    };
    view?.addEventListener('wheel', this.onWheel, { capture: true, passive: false });
    this.cleanups.push(() => view?.removeEventListener('wheel', this.onWheel, { capture: true }));
    this.doc.addEventListener('toggle', onToggle, true);
    this.doc.addEventListener('fullscreenchange', onFullscreen, true);
    this.cleanups.push(() => {
      this.doc.removeEventListener('toggle', onToggle, true);
      this.doc.removeEventListener('fullscreenchange', onFullscreen, true);
    });

    // Esc / browser close request: ours to handle. A close() we did ourselves (to re-show)
    // is followed by showModal() in the same task, so the dialog is open again by now.
    const onCancel = (event: Event) => {
      event.preventDefault();
      if (this.alive) this.options.onUserClose();
    };
    const onClose = () => {
      if (this.alive && !this.dialog.open) this.options.onUserClose();
    };
    // Tab / Shift+Tab wrap inside the dialog (a modal dialog alone lets focus leave for the
    // browser's own UI, and in some browsers for the page)
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey) return;
      const items = this.tabbables();
      if (!items.length) return;
      const active = this.shadow.activeElement;
      const index = active ? items.indexOf(active as HTMLElement) : -1;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      if (event.shiftKey && (index <= 0)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (index === -1 ? false : index === items.length - 1)) {
        event.preventDefault();
        first.focus();
      } else if (index === -1 && !this.dialog.contains(active)) {
        event.preventDefault();
        first.focus();
      }
    };
    this.dialog.addEventListener('cancel', onCancel);
    this.dialog.addEventListener('close', onClose);
    this.dialog.addEventListener('keydown', onKeyDown);
    this.cleanups.push(() => {
      this.dialog.removeEventListener('cancel', onCancel);
      this.dialog.removeEventListener('close', onClose);
      this.dialog.removeEventListener('keydown', onKeyDown);
    });

    // belt and braces for anything events do not announce (e.g. a script's own top layer)
    this.timer = setInterval(() => {
      if (!this.alive) return;
      this.restoreHostAttributes();
      if (this.pageStyleMissing()) {
        this.pageSheet = null;
        this.addPageStyle();
      }
      if (!this.isOnTop()) this.bringToFront();
    }, 400);
  }
}
