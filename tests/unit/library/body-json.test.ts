/** The stored body form (schema.ts): bytes of one JSON string literal in well-formed UTF-8. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/score';
import { encodeBodyJson, isJsonStringUtf8 } from '../../../utils/library/schema';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

/** The slow, obviously right rule: strict UTF-8 decoding, then JSON.parse gives a string. */
function reference(b: Uint8Array): boolean {
  try {
    return typeof JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b)) === 'string';
  } catch {
    return false;
  }
}

describe('isJsonStringUtf8', () => {
  it('accepts what encodeBodyJson writes: escapes, every UTF-8 length, lone surrogates escaped', () => {
    for (const html of ['', '<p>plain</p>', 'quote " back \\ slash / tab \t nl \n \u0001', 'é — 日本語 😀 𐐀', 'lone \ud800 and \udc00']) {
      const b = encodeBodyJson(html);
      expect(isJsonStringUtf8(b), html).toBe(true);
      expect(reference(b)).toBe(true);
    }
    expect(isJsonStringUtf8(bytes('"\\u00e9\\uD83D\\uDE00\\/"'))).toBe(true);
  });

  it('refuses bytes that would break the backup or that are not UTF-8', () => {
    const bad: Array<[string, Uint8Array]> = [
      ['a bare quote inside', bytes('"a"b"')],
      ['an escaped closing quote', bytes('"x\\"')],
      ['a raw control character', bytes('"a', [0x0a], 'b"')],
      ['an unknown escape', bytes('"\\q"')],
      ['a short \\u escape', bytes('"\\u12"')],
      ['a non-hex \\u escape', bytes('"\\u12g4"')],
      ['a stray continuation byte', bytes('"', [0x80], '"')],
      ['an invalid byte', bytes('"', [0xff], '"')],
      ['an overlong 2-byte form', bytes('"', [0xc0, 0xaf], '"')],
      ['an overlong 3-byte form', bytes('"', [0xe0, 0x80, 0xaf], '"')],
      ['a UTF-8-encoded surrogate', bytes('"', [0xed, 0xa0, 0x80], '"')],
      ['a code point above U+10FFFF', bytes('"', [0xf4, 0x90, 0x80, 0x80], '"')],
      ['a multi-byte character cut by the closing quote', bytes('"', [0xe6, 0x97], '"')],
      ['no closing quote', bytes('"abc')],
      ['not a string', bytes('123')],
      ['empty', bytes('')],
      ['one quote', bytes('"')],
    ];
    for (const [why, b] of bad) {
      expect(isJsonStringUtf8(b), why).toBe(false);
      expect(reference(b), why).toBe(false);
    }
  });

  it('agrees with strict decoding + JSON.parse on random and mutated byte strings', () => {
    const r = seededRandom(7);
    const alphabet = [0x22, 0x5c, 0x75, 0x61, 0x30, 0x0a, 0x20, 0x80, 0xbf, 0xc2, 0xc0, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x9f, 0x90, 0x8f, 0x2f, 0x6e];
    for (let k = 0; k < 20000; k++) {
      const len = 2 + Math.floor(r() * 10);
      const b = new Uint8Array(len);
      b[0] = 0x22;
      b[len - 1] = 0x22;
      for (let i = 1; i < len - 1; i++) b[i] = r() < 0.7 ? alphabet[Math.floor(r() * alphabet.length)]! : Math.floor(r() * 256);
      expect(isJsonStringUtf8(b), Array.from(b).join(',')).toBe(reference(b));
    }
    // single-byte damage to valid bodies
    const base = encodeBodyJson('<p>“Quotes” — é 日本 😀 \\ "x"</p>');
    for (let i = 0; i < base.length; i++) {
      for (const v of [0x00, 0x22, 0x5c, 0x80, 0xff, 0xe0]) {
        const b = base.slice();
        b[i] = v;
        expect(isJsonStringUtf8(b), `byte ${i} = ${v}`).toBe(reference(b));
      }
    }
  });

  it('agrees on long mostly-ASCII strings damaged anywhere (the four-bytes-at-a-time path and its edges)', () => {
    const r = seededRandom(11);
    const plain = new TextEncoder().encode('The harbour council met on Tuesday <a href=x>link</a> ~ { } [ ] 0123 DEL\x7f ');
    const specials = [0x00, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xc2, 0xa9, 0xe6, 0x97, 0xa5, 0xf0, 0x9f, 0x98, 0x80, 0xff];
    for (let k = 0; k < 3000; k++) {
      const len = 2 + Math.floor(r() * 64);
      const b = new Uint8Array(len);
      b[0] = 0x22;
      b[len - 1] = 0x22;
      for (let i = 1; i < len - 1; i++) b[i] = plain[Math.floor(r() * plain.length)]!;
      // zero to three damaged (or special) bytes at random places, sometimes a valid escape or character
      for (let d = Math.floor(r() * 4); d > 0; d--) {
        const at = 1 + Math.floor(r() * (len - 2));
        const pick = r();
        if (pick < 0.6) b[at] = specials[Math.floor(r() * specials.length)]!;
        else if (pick < 0.8 && at + 1 < len - 1) b.set([0x5c, 0x6e], at);
        else if (at + 2 < len - 1) b.set([0xc3, 0xa9], at);
      }
      // views that do not start at offset 0 of their buffer
      const shift = Math.floor(r() * 4);
      const host = new Uint8Array(len + shift);
      host.set(b, shift);
      const view = host.subarray(shift);
      expect(isJsonStringUtf8(view), Array.from(b).join(',')).toBe(reference(b));
    }
  });
});
