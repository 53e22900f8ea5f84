import { render, type VNode } from 'preact';
import { act } from 'preact/test-utils';
import { vi } from 'vitest';
import { sendMessage } from '../../../utils/messages';
import { mockI18n } from '../runtime/i18n-mock';
import { FakeLibrary } from './fake-library';

/** Let pending message answers and effects run. */
export async function settle(ms = 0): Promise<void> {
  // several act() rounds: each flushes renders/effects, whose messages answer in the next
  for (let i = 0; i < 5; i++) {
    await act(async () => {
      await new Promise((r) => setTimeout(r, i === 0 ? ms : 0));
    });
  }
}

export function mount(vnode: VNode<any>): { root: HTMLElement; unmount(): void } {
  const root = document.createElement('div');
  document.body.append(root);
  act(() => render(vnode, root));
  return {
    root,
    unmount() {
      render(null, root);
      root.remove();
    },
  };
}

/** Route the UI's sendMessage to a fake library. */
export function useFake(lib: FakeLibrary): void {
  mockI18n();
  vi.mocked(sendMessage).mockImplementation(((type: string, data: unknown) => lib.handle(type, data)) as never);
}

export const byId = (root: ParentNode, id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
export const allById = (root: ParentNode, id: string) => [...root.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];

export function rowOf(root: ParentNode, id: string): HTMLElement {
  const el = root.querySelector<HTMLElement>(`[data-testid="saved-row"][data-id="${id}"]`);
  if (!el) throw new Error(`row ${id} not shown`);
  return el;
}

export async function click(el: HTMLElement | null | undefined): Promise<void> {
  if (!el) throw new Error('nothing to click');
  await act(async () => el.click());
  await settle();
}

export async function type(el: HTMLElement | null, value: string): Promise<void> {
  const input = el as HTMLInputElement;
  await act(async () => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function choose(el: HTMLElement | null, value: string): Promise<void> {
  const select = el as HTMLSelectElement;
  await act(async () => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}
