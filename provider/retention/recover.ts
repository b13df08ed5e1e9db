/**
 * What an interrupted run deleted: a CLI killed mid-run deleted versions it could not record
 * (the engine writes the resource's state only when `update` returns). `refresh` and `up` list
 * the package's deleted versions (GitHub keeps them 30 days) and record as this resource's
 * those deleted since its last recorded run that its policy selects, with, for container
 * packages, the untagged ones deleted among them (children deleted with their image), so
 * `restore: "all"` brings them back.
 */
import { PackageVersionFields, PackageVersionsApi } from "../github/versions";
import { retentionCandidates } from "./plan";
import { RetentionSession } from "./session";
import { DeletedVersionRecord, retentionId, VersionRetentionState, withinRestoreWindow } from "./state";

/** The rule recorded for a version found deleted after an interrupted run. */
export const INTERRUPTED_RULE = "interrupted run (found deleted after the last recorded run)";

/** How long after the last version it selects an untagged deletion still counts as the run's (a child deleted after its image). */
const CHILD_SLACK_MS = 60_000;

/**
 * The versions the run after `state.lastRun` deleted and did not record (none when no run was
 * recorded: a resource whose first run was killed has nothing to date them by). Lists the
 * deleted versions, and the active ones when any was deleted since; never changes GitHub.
 */
export async function unrecordedDeletions(session: RetentionSession, state: VersionRetentionState, now: Date): Promise<DeletedVersionRecord[]> {
    // GitHub's times are whole seconds.
    const since = state.lastRun ? Math.floor(Date.parse(state.lastRun.at) / 1000) * 1000 : NaN;
    if (Number.isNaN(since)) {
        return [];
    }
    const api = new PackageVersionsApi(session.github());
    const known = new Set((state.deleted ?? []).map((r) => r.versionId));
    const window = (await api.list(state, "deleted")).filter(
        (v) => v.deletedAt !== null && Date.parse(v.deletedAt) >= since && !known.has(v.versionId) && withinRestoreWindow(v.deletedAt, now),
    );
    if (window.length === 0) {
        return [];
    }
    // The killed run planned on the versions then active: today's active ones and those deleted since.
    const active = await api.list(state, "active");
    const at = new Date(Math.max(...window.map((v) => Date.parse(v.deletedAt!))));
    const asActive: PackageVersionFields[] = window.map((v) => ({ ...v, deletedAt: null }));
    const selected = retentionCandidates(state.policy, [...active, ...asActive], { packageType: state.packageType, now: at, subject: retentionId(state) }, state.packageType === "container");
    const ours = window.filter((v) => selected.has(v.versionId));
    if (ours.length > 0 && state.packageType === "container") {
        const first = Math.min(...ours.map((v) => Date.parse(v.deletedAt!)));
        const last = Math.max(...ours.map((v) => Date.parse(v.deletedAt!))) + CHILD_SLACK_MS;
        ours.push(...window.filter((v) => !selected.has(v.versionId) && v.tags.length === 0 && Date.parse(v.deletedAt!) >= first && Date.parse(v.deletedAt!) <= last));
    }
    return ours
        .map((v) => ({ versionId: v.versionId, name: v.name, tags: [...v.tags], deletedAt: v.deletedAt!, rule: INTERRUPTED_RULE }))
        .sort((a, b) => Date.parse(a.deletedAt) - Date.parse(b.deletedAt) || a.versionId - b.versionId);
}

/**
 * `state` with the unrecorded deletions after its records: they come from a run that started
 * after the recorded ones, so the list stays oldest first. (Not sorted by time: GitHub's
 * whole-second times would put a deletion of the killed run before one the last recorded run
 * made in the same second.)
 */
export async function withUnrecorded(session: RetentionSession, state: VersionRetentionState, now: Date): Promise<VersionRetentionState> {
    const found = await unrecordedDeletions(session, state, now);
    if (found.length === 0) {
        return state;
    }
    return { ...state, deleted: [...(state.deleted ?? []), ...found] };
}
