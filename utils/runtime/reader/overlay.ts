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

/** Page-side print rule: while the reader is open, printing gives only the article. */
const PRINT_CSS = '@media print { html > body { display: none !important; } }';

/** Attributes a page may put on unknown elements to hide or disable them. */
const GUARDED_ATTRIBUTES = ['style', 'hidden', 'inert', 'aria-hidden', 'class', 'popover'];

export interface OverlayOptions {
  css: string;
  /** id of the element inside the shadow root that names the dialog */
  labelledBy: string;
  /** the user closed the dialog (Esc, or the browser's close request) */
  onUserClose(): void;
}

export class Overlay {
  readonly host: HTMLElement;
  readonly shadow: ShadowRoot;
  readonly dialog: HTMLDialogElement;
  /** where the UI renders */
  readonly container: HTMLDivElement;
  private readonly doc: Document;
  private readonly printStyle: HTMLStyleElement;
  private previousFocus: Element | null = null;
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
    const style = doc.createElement('style');
    style.textContent = options.css;
    this.dialog = doc.createElement('dialog');
    this.dialog.className = 'lectern-dialog';
    this.dialog.setAttribute('aria-labelledby', options.labelledBy);
    this.container = doc.createElement('div');
    this.container.className = 'frame';
    this.dialog.append(this.container);
    this.shadow.append(style, this.dialog);
    this.printStyle = doc.createElement('style');
    this.printStyle.setAttribute('data-lectern', 'print');
    this.printStyle.textContent = PRINT_CSS;
  }

  get isOpen(): boolean {
    return this.alive;
  }

  mount(): void {
    if (this.alive) return;
    this.alive = true;
    this.previousFocus = this.doc.activeElement;
    this.attach();
    this.addPrintStyle();
    this.showModal();
    this.watch();
  }

  /** Remove everything this overlay added and give focus back. */
  destroy(): void {
    if (!this.alive) return;
    this.alive = false;
    for (const observer of this.observers) observer.disconnect();
    this.observers = [];
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (this.dialog.open) this.dialog.close();
    this.host.remove();
    this.printStyle.remove();
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
    this.attach();
    const focused = this.shadow.activeElement as HTMLElement | null;
    const scroller = this.container.firstElementChild as HTMLElement | null;
    const scrollTop = scroller?.scrollTop ?? 0;
    if (this.dialog.open) this.dialog.close();
    this.showModal();
    if (scroller) scroller.scrollTop = scrollTop;
    if (focused && focused.isConnected) focused.focus({ preventScroll: true });
  }

  /** true when the dialog is attached, modal and the element at the centre of the viewport. */
  isOnTop(): boolean {
    if (!this.alive || !this.host.isConnected || !this.dialog.open) return false;
    if (!this.dialog.matches(':modal')) return false;
    const view = this.doc.defaultView;
    if (!view || typeof this.doc.elementFromPoint !== 'function') return true;
    const hit = this.doc.elementFromPoint(view.innerWidth / 2, view.innerHeight / 2);
    return hit === null || hit === this.host;
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
    const scroller = this.container.firstElementChild as HTMLElement | null;
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

  private addPrintStyle(): void {
    const parent = this.doc.head ?? this.doc.documentElement;
    if (parent && this.printStyle.parentNode !== parent) parent.append(this.printStyle);
  }

  private watch(): void {
    const view = this.doc.defaultView;
    const MO = view?.MutationObserver ?? globalThis.MutationObserver;

    // removed (or moved) by page scripts → put it back and re-show
    const tree = new MO(() => {
      if (!this.alive) return;
      if (this.host.parentNode !== this.doc.documentElement) this.bringToFront();
      if (!this.printStyle.isConnected) this.addPrintStyle();
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
    this.dialog.addEventListener('cancel', onCancel);
    this.dialog.addEventListener('close', onClose);
    this.cleanups.push(() => {
      this.dialog.removeEventListener('cancel', onCancel);
      this.dialog.removeEventListener('close', onClose);
    });

    // belt and braces for anything events do not announce (e.g. a script's own top layer)
    this.timer = setInterval(() => {
      if (!this.alive) return;
      this.restoreHostAttributes();
      if (!this.printStyle.isConnected) this.addPrintStyle();
      if (!this.isOnTop()) this.bringToFront();
    }, 400);
  }
}
