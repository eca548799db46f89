/**
 * SIGINT/SIGTERM: the first calls `onStop` (finish what is under way), a second exits at once
 * with 130. `dispose` removes the handlers.
 */
export function onStopSignal(onStop: (signal: NodeJS.Signals) => void): { dispose(): void } {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    onStop(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
