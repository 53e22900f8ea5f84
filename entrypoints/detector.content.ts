import { AGGREGATOR_MATCHES } from '../utils/adapters/hosts';
import { runDetector } from '../utils/runtime/detector';

export default defineContentScript({
  matches: AGGREGATOR_MATCHES,
  runAt: 'document_idle',
  main(ctx) {
    void runDetector(document, location.href);
    // single-page aggregators change articles without a page load
    ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl }) => {
      void runDetector(document, String(newUrl));
    });
  },
});
