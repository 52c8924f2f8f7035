/**
 * Event-loop blocking as a user feels it: a 5 ms timer whose late firings measure how long the
 * loop was busy. `worst()` is the longest block since the last `reset()`, counting the one that may
 * be running when it is called (synchronous work just before it would otherwise go unseen).
 */
export function lagMonitor(periodMs = 5): { worst(): number; reset(): void; stop(): number } {
  let max = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last - periodMs);
    last = now;
  }, periodMs);
  const worst = () => Math.max(max, performance.now() - last - periodMs);
  return {
    worst,
    reset: () => {
      max = 0;
      last = performance.now();
    },
    /** Stops the timer; returns `worst()`. */
    stop: () => {
      clearInterval(timer);
      return worst();
    },
  };
}
