/**
 * The library UI's only way to the background: the typed library messages of
 * utils/messages.ts. Never throws: a failed or missing answer resolves `{ ok: false, error }`.
 */
import { sendMessage, type BackgroundProtocol, type DataOf, type Failure, type ReturnOf } from '../../utils/messages';

export type Answer<K extends keyof BackgroundProtocol> = Exclude<ReturnOf<BackgroundProtocol, K>, Failure> | Failure;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function ask<K extends keyof BackgroundProtocol>(
  type: K,
  data: DataOf<BackgroundProtocol, K>,
): Promise<Answer<K>> {
  try {
    const answer = (await sendMessage(type, data)) as Answer<K> | undefined;
    if (!answer || typeof answer !== 'object') return { ok: false, error: 'no-response' };
    return answer;
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}
