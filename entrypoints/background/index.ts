import { defineBackground } from 'wxt/utils/define-background';
import { startBackground } from '../../lib/background/features';

export default defineBackground({
  type: 'module',
  // Listeners are registered synchronously in main() so a woken service worker sees the event that woke it.
  main: startBackground,
});
