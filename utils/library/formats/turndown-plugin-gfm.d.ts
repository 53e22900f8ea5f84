/** Types for @joplin/turndown-plugin-gfm (MIT; ships CommonJS without types). Only what Lectern uses. */
declare module '@joplin/turndown-plugin-gfm' {
  import type TurndownService from 'turndown';

  /** `<del>`, `<s>`, `<strike>` → `~~text~~`. */
  export const strikethrough: TurndownService.Plugin;
  /** `<li><input type=checkbox>` (or `role="checkbox"` + `aria-checked`) → `[x] ` / `[ ] `. */
  export const taskListItems: TurndownService.Plugin;
  /** `<div class="highlight-source-LANG"><pre>` → fenced code block with LANG. */
  export const highlightedCodeBlock: TurndownService.Plugin;
  /** The plugin's own table rules (not used by Lectern: see markdown.ts). */
  export const tables: TurndownService.Plugin;
  /** All of the above. */
  export const gfm: TurndownService.Plugin;
}
