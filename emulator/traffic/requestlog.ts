/** The request log: every GitHub API request (admin requests are not logged), with counts per operation. */
import { RequestLogEntry, RequestLogSnapshot, RequestOutcome } from "../types";

/** Records requests as they arrive and how they end. */
export class RequestLog {
    private entries: RequestLogEntry[] = [];
    private counts: Record<string, number> = {};
    private total = 0;
    private pending = 0;

    /** @param limit how many entries to keep; older ones are dropped, counts stay exact */
    constructor(private readonly limit: number) {}

    /** Records an arriving request; the returned entry is updated in place by {@link finish}. */
    start(entry: Omit<RequestLogEntry, "seq" | "outcome" | "inFlight" | "arrivedMs">): RequestLogEntry {
        this.total++;
        this.counts[entry.operation] = (this.counts[entry.operation] ?? 0) + 1;
        const logged: RequestLogEntry = { seq: this.total, ...entry, arrivedMs: performance.now(), outcome: "pending", inFlight: this.pending };
        this.pending++;
        this.entries.push(logged);
        if (this.entries.length > this.limit) {
            this.entries.splice(0, this.entries.length - this.limit);
        }
        return logged;
    }

    /** Records how `entry` ended (once; later calls are ignored). */
    finish(entry: RequestLogEntry, outcome: Exclude<RequestOutcome, "pending">, status?: number): void {
        if (entry.outcome !== "pending") {
            return;
        }
        entry.outcome = outcome;
        this.pending = Math.max(0, this.pending - 1);
        if (status !== undefined) {
            entry.status = status;
        }
    }

    /** A copy of the log. */
    snapshot(): RequestLogSnapshot {
        return { total: this.total, counts: { ...this.counts }, entries: this.entries.map((entry) => ({ ...entry })) };
    }

    /** Empties the log and its counts. */
    reset(): void {
        this.entries = [];
        this.counts = {};
        this.total = 0;
        // Requests still unanswered stay in flight: they will finish after the reset.
    }
}
