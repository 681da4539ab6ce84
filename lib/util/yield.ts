/**
 * Lets every other task of the event loop run (fetch answers, timers, messages) before going on.
 * A MessageChannel task, not `setTimeout(0)`: timers are clamped to ≥ 4 ms when nested (a long proof of work
 * would crawl) and are faked in tests that run the engine at fake time, where a timer-based yield would never
 * come back.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
