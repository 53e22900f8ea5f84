import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { AGGREGATOR_MATCHES } from './utils/adapters/hosts';

// See https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // The pure layers (library store/formats, extraction) use explicit imports only; auto-import
  // injection there misreads identifiers (e.g. a `version` parameter became an import).
  // (`exclude` is read by unimport's Vite plugin, which gets these options; WXT's type omits it)
  imports: {
    exclude: [/[\\/]node_modules[\\/]/, /[\\/]\.git[\\/]/, /[\\/]utils[\\/](library|extract|adapters)[\\/]/],
  } as never,
  // Dev mode must never try to open a browser on its own (scripts/start.mjs does that).
  webExt: { disabled: true },
  // Lets a developer build into a separate folder while another build is being tested.
  outDir: process.env.WXT_OUT_DIR ?? '.output',
  vite: () => ({
    plugins: [preact()],
    build: { sourcemap: false },
  }),
  manifest: ({ mode, browser, manifestVersion }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // contextMenus: "Save to Lectern" on a page / a link; downloads: exports are downloaded by
    // the background (a closing popup cannot cancel them); offscreen (Chrome only): the MV3
    // service worker has no DOM for Markdown/EPUB exports, sanitising imports, blob URLs —
    // Firefox's MV2 background page has one.
    permissions: [
      'activeTab',
      'scripting',
      'storage',
      'unlimitedStorage',
      'contextMenus',
      'downloads',
      ...(browser === 'firefox' ? [] : ['offscreen']),
    ],
    // Least privilege: aggregator hosts only. The e2e build adds <all_urls> and nothing else
    // (../shared/test-contract.md), because tests cannot click the toolbar to grant activeTab.
    host_permissions: mode === 'e2e' ? [...AGGREGATOR_MATCHES, '<all_urls>'] : [...AGGREGATOR_MATCHES],
    action: { default_title: '__MSG_actionTitle__' },
    commands: {
      'open-reader': {
        suggested_key: { default: 'Alt+Shift+R' },
        description: '__MSG_commandOpenReader__',
      },
      'save-article': {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_commandSaveArticle__',
      },
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'lectern@lectern.example',
              strict_min_version: '115.0',
              // Lectern collects nothing: no account, no server, no telemetry
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
