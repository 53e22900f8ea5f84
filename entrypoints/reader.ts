import { installReader } from '../utils/runtime/reader/controller';

// Unlisted script (/reader.js): injected on demand by the background; guarded against
// double injection inside installReader.
export default defineUnlistedScript(() => {
  installReader();
});
