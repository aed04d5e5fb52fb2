/** How a long-running command ends: on SIGINT or SIGTERM, or when the process that started it goes away. */

/**
 * Calls `stop` once, on the first SIGINT or SIGTERM, or when the parent that started this process with an
 * IPC channel (`dcrm start`) disconnects, as it does when it is killed.
 */
export function onStopRequest(stop: (reason: string) => void): void {
  let called = false;
  const once = (reason: string) => {
    if (called) return;
    called = true;
    stop(reason);
  };
  process.on("SIGINT", () => once("SIGINT"));
  process.on("SIGTERM", () => once("SIGTERM"));
  if (process.send) process.on("disconnect", () => once("its supervisor went away"));
}
