/**
 * Exit when the parent process is gone. Plugins are started by the Pulumi engine; when the engine
 * is killed (SIGKILL, a crashed CI runner) nothing tells them, and they would run on forever.
 * `exit-with-parent.ts` starts the watch in any Node process (`node --require .../exit-with-parent.js`).
 */

/** Options of {@link exitWithParent}. */
export interface ParentWatchOptions {
    /** How often to look, in milliseconds (default 500). */
    intervalMs?: number;
    /** Called once the parent is gone, before exiting; default: nothing. */
    onOrphaned?: () => void;
    /** The exit code (default 1: the work was cut short). */
    exitCode?: number;
}

/**
 * Polls the parent process id and exits when it changes (the process was re-parented to init or
 * a subreaper, so its parent died). The timer is unref'd: it never keeps a finished process alive.
 */
export function exitWithParent(options: ParentWatchOptions = {}): () => void {
    const parent = process.ppid;
    const timer = setInterval(() => {
        if (process.ppid !== parent) {
            clearInterval(timer);
            options.onOrphaned?.();
            process.exit(options.exitCode ?? 1);
        }
    }, options.intervalMs ?? 500);
    timer.unref();
    return () => clearInterval(timer);
}
