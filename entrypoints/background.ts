import { setupBackground } from '../utils/runtime/background/setup';
import { installTestHook } from '../utils/runtime/background/test-hook';

export default defineBackground(() => {
  setupBackground();
  // e2e build only: absent from the production bundle (checked by grep on background.js).
  if (import.meta.env.MODE === 'e2e') installTestHook();
});
