/**
 * The shape of a `PackageVersionRetention` as the engine stores it: its inputs, the plan the
 * preview shows, the records of what it deleted, restored and could not delete (GitHub's
 * refusals, remembered while their versions stay as they were), and the last run's summary. Every operation of the retention provider reads and writes these types; the
 * constants say how long records are kept and how much of a plan is listed.
 */
import { packageId } from "../shared/keys";
import { PackageRef } from "../shared/types";
import { BrokenImage } from "./image-health";
import { BlockReason, ListingMark } from "./plan";
import { RetentionPolicy } from "./policy";

/** GitHub restores a deleted version within this many days. */
export const RESTORE_WINDOW_DAYS = 30;

/** How long the record of a deleted version stays in state, in days (past the restore window, for the record). */
export const RECORD_DAYS = 90;

/** How many kept or blocked versions the plan lists (protect rules and graph reasons first); `summary` counts them all. */
export const LISTED_LIMIT = 10;

/** One version in a plan as the preview shows it; each field short enough for the preview not to cut it. */
export interface PlannedVersion {
    /** GitHub's id of the version. */
    id: number;
    /** The version's name (a digest for images). */
    version: string;
    /** Its tags (images only). */
    tags?: string[];
    /** For a deletion, the rules that selected it; for a kept version, what kept it; for a blocked one, GitHub's refusal. */
    rule: string;
    /** Why, in words. */
    reason: string;
    /** Container deletions: the bytes deleting it frees, in the plan's order (see `bytesFreed`); null when its manifest could not be read. */
    bytes?: number | null;
}

/** The plan `check` made for this run, as the preview shows it. */
export interface RetentionPlanView {
    /** One line: how many versions, how many deleted, kept and blocked, the cap. */
    summary: string;
    /** The versions to delete, oldest first; `update` deletes no other version. */
    delete: PlannedVersion[];
    /** Versions a rule selected that are kept, and why (at most {@link LISTED_LIMIT}; `summary` counts them all). */
    keep: PlannedVersion[];
    /** Versions the rules select that GitHub would refuse to delete (at most {@link LISTED_LIMIT}). */
    blocked: PlannedVersion[];
    /** True when the whole package is deleted instead (`lastVersion: "delete-package"`). */
    deletePackage: boolean;
    /**
     * The bytes the plan frees: the configs and layers only deleted manifests reference (container packages), 0 when it deletes
     * nothing; null when unknown (other registries give no sizes). Absent in plans made before this field existed.
     */
    bytesFreed?: number | null;
    /** When `bytesFreed` is a bound, not exact: `at-most` (a manifest that stays was not read) or `at-least` (a size or a deleted manifest unknown). */
    bytesBound?: "at-most" | "at-least";
    /** Why `bytesFreed` is a bound or unknown, in words (`20 staying manifests unread (may share layers)`); absent when exact. */
    bytesNote?: string;
    /** With `drain`, how many deletions of the whole plan wait for the next runs (the cap was reached); absent when none. */
    deferred?: number;
    /** What in the policy is probably a mistake (a glob that reads like a regex), also in `summary`; absent when none. */
    warnings?: string[];
    /** The newest version the last run listed: versions published after it are kept this run and counted from the next. */
    countedThrough?: ListingMark;
    /** The newest version this plan listed: the next run's `countedThrough`. */
    listedThrough?: ListingMark;
}

/** What the `plan` output keeps after `up` (see {@link planOutputOf}): the compact view by default, the whole plan on request. */
export type PlanOutput = (typeof PLAN_OUTPUTS)[number];

/** The values of `planOutput`. */
export const PLAN_OUTPUTS = ["compact", "full"] as const;

/**
 * The plan as the outputs keep it after `up`: the whole view with `planOutput: "full"`, else the
 * compact view (no `keep` or `blocked` lists and no listing marks). The whole plan stays in the
 * inputs, where previews, saved plans and `up --skip-preview` read it, so it is stored once.
 */
export type RetentionPlanOutput = Omit<RetentionPlanView, "keep" | "blocked" | "countedThrough" | "listedThrough"> & Partial<RetentionPlanView>;

/** The inputs of a `PackageVersionRetention`, as the provider receives them. */
export interface VersionRetentionInputs extends PackageRef {
    /** What to delete from the package's versions. */
    policy: RetentionPolicy;
    /** Versions this resource deleted to bring back on `pulumi up`: their ids, or `"all"` (within GitHub's 30 days). Nothing is deleted while set. */
    restore?: number[] | "all";
    /** The plan `check` made for this run; set by the provider, never by programs. */
    plan?: RetentionPlanView;
    /** What the `plan` output keeps after `up`: `compact` (default: summary, deletions, bytes) or `full` (also the kept and blocked lists). */
    planOutput?: PlanOutput;
    /** Packages (`type/name`, same org) checked after this one in the run, listed in the background; set by `VersionRetention`, never stored. */
    prefetch?: string[];
}

/** One version the resource deleted. */
export interface DeletedVersionRecord {
    /** GitHub's id of the version. */
    versionId: number;
    /** The version's name (a digest for images). */
    name: string;
    /** Its tags when it was deleted. */
    tags: string[];
    /** When it was deleted (ISO 8601). */
    deletedAt: string;
    /** The rules that selected it. */
    rule: string;
    /** The package it was deleted from, when that no longer holds the name (deleted with the package, or replaced out of band); absent otherwise. */
    packageId?: number;
}

/** One version the rules select that was not deleted. */
export interface BlockedVersionRecord {
    /** GitHub's id of the version. */
    versionId: number;
    /** The version's name. */
    name: string;
    /**
     * `last-version`, `undeletable` (over 5,000 downloads), `unreadable-manifest` (image graph incomplete), `missing` (someone
     * else deleted it first) or `changed` (an image whose tags changed since the plan, found right before its DELETE).
     */
    blockedBy: BlockReason | "missing" | "changed";
    /** Why, in words. */
    reason: string;
    /** Its tags then (images); with `refusedAt`, what "the version stays as it was" compares. */
    tags?: string[];
    /** When GitHub refused the DELETE (`undeletable`, `last-version`); such a refusal is remembered, see {@link standingRefusals}. */
    refusedAt?: string;
}

/** What the last `pulumi up` did. */
export interface RetentionRunSummary {
    /** When it ran (ISO 8601). */
    at: string;
    /** Active versions before it ran. */
    total: number;
    /** Versions it deleted. */
    deleted: number;
    /** Versions it restored. */
    restored: number;
    /** Versions it did not delete because GitHub refused or they were gone. */
    blocked: number;
    /** True when it deleted the whole package. */
    deletedPackage: boolean;
    /** Versions the preview named that the run's fresh plan no longer selects (a tag moved, a keep count changed): not deleted. */
    skipped?: number[];
    /** The bytes the versions it deleted freed (as the plan's `bytesFreed` counts them); null when unknown (no sizes), 0 when it deleted nothing. */
    bytesFreed?: number | null;
    /** When `bytesFreed` is a bound: `at-most` or `at-least`, as in the plan. */
    bytesBound?: "at-most" | "at-least";
}

/** The state of a `PackageVersionRetention`. */
export interface VersionRetentionState extends Omit<VersionRetentionInputs, "plan"> {
    /** The plan this resource's last run carried out, as `planOutput` asks (the whole plan is in the inputs). */
    plan?: RetentionPlanOutput;
    /** GitHub's id of the package whose versions the resource manages, or null when it is gone. */
    packageId: number | null;
    /** Every version the resource deleted in the last {@link RECORD_DAYS} days, oldest first. */
    deleted: DeletedVersionRecord[];
    /** Versions the resource restored in the last {@link RECORD_DAYS} days: id, name and when. */
    restored: { versionId: number; name: string; restoredAt: string }[];
    /** Versions the last run's rules selected but could not delete, and GitHub's earlier refusals that still hold. */
    blocked: BlockedVersionRecord[];
    /** What the last run did. */
    lastRun: RetentionRunSummary | null;
    /** Container packages: tagged images that would not pull (a child or their own manifest gone), as the last refresh found them. */
    brokenImages: BrokenImage[];
}

/** The inputs a `PackageVersionRetention` takes; `check` refuses any other name. */
export const RETENTION_INPUTS = ["org", "packageType", "packageName", "policy", "restore", "planOutput", "plan", "prefetch"] as const satisfies readonly (keyof VersionRetentionInputs)[];

/** The outputs the SDK registers as undefined inputs; `check` ignores them while undefined. */
export const RETENTION_OUTPUTS = ["packageId", "deleted", "restored", "blocked", "lastRun", "brokenImages"] as const satisfies readonly (keyof VersionRetentionState)[];

/**
 * The refusals GitHub answered (records with `refusedAt`) that still hold: the version is
 * active (among `versions`, when given) with the same name and tags. Their versions are not
 * planned or DELETEd again; a version re-tagged, or deleted and published again, is tried again.
 */
export function standingRefusals(
    records: readonly BlockedVersionRecord[] | undefined,
    versions?: readonly { versionId: number; name: string; tags: readonly string[] }[],
): (BlockedVersionRecord & { blockedBy: "undeletable" | "last-version"; refusedAt: string })[] {
    const active = versions && new Map(versions.map((v) => [v.versionId, v]));
    return (records ?? []).filter((r): r is BlockedVersionRecord & { blockedBy: "undeletable" | "last-version"; refusedAt: string } => {
        if (r.refusedAt === undefined || (r.blockedBy !== "undeletable" && r.blockedBy !== "last-version")) {
            return false;
        }
        const now = active?.get(r.versionId);
        return !active || (now !== undefined && sameVersion(r, now));
    });
}

/** True when two tag lists hold the same tags, in any order (none and an empty list are the same). */
export function sameTags(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
    const sorted = (t: readonly string[] | undefined) => JSON.stringify([...(t ?? [])].sort());
    return sorted(a) === sorted(b);
}

/** True when a refusal record describes the version as it is now: same name, same tags (in any order). */
export function sameVersion(record: Pick<BlockedVersionRecord, "name" | "tags">, version: { name: string; tags?: readonly string[] }): boolean {
    return record.name === version.name && sameTags(record.tags, version.tags);
}

/** The fields of a plan only the inputs keep in the compact view: the lists a preview shows and the listing marks `check` reads from the old inputs. */
const INPUT_ONLY: readonly (keyof RetentionPlanView)[] = ["keep", "blocked", "countedThrough", "listedThrough"];

/** The plan as the outputs keep it: the whole plan with `full`, else without the fields only the inputs need (idempotent). */
export function planOutputOf(plan: RetentionPlanOutput | undefined, mode: PlanOutput | undefined): RetentionPlanOutput | undefined {
    if (plan === undefined || mode === "full") {
        return plan;
    }
    return Object.fromEntries(Object.entries(plan).filter(([k]) => !(INPUT_ONLY as readonly string[]).includes(k))) as RetentionPlanOutput;
}

/** The resource id of a retention: `org/type/name`, the package's own id. */
export function retentionId(ref: PackageRef): string {
    return packageId(ref);
}

/** The package a retention manages, without its other inputs. */
export function refOf(ref: PackageRef): PackageRef {
    return { org: ref.org, packageType: ref.packageType, packageName: ref.packageName };
}

/** True when `deletedAt` (ISO 8601) is within GitHub's {@link RESTORE_WINDOW_DAYS} of `now`. */
export function withinRestoreWindow(deletedAt: string, now: Date): boolean {
    return now.getTime() - Date.parse(deletedAt) < RESTORE_WINDOW_DAYS * 86_400_000;
}

/**
 * The error of a run that stopped midway, carrying the state so far: the engine records it
 * (a partial failure), so the versions already deleted stay recorded and restorable.
 */
export function partialFailure(id: string, state: VersionRetentionState, error: unknown, done: number, planned: number, verb = "deleted"): Error {
    // The explained error says nothing changed in state, which a partial failure is not true of.
    const cause = (error instanceof Error ? error.message : String(error)).replace(/ ?Nothing was changed in state; run again later\.?/, "");
    const failure = new Error(
        `Retention stopped after it ${verb} ${done} of ${planned} versions: ${cause} The ${verb} versions are recorded in state; ` +
            `the next pulumi up lists the package again and carries on with the rest.`,
    ) as Error & { id: string; properties: VersionRetentionState; reasons: string[] };
    failure.id = id;
    failure.properties = state;
    // The engine prints the reasons of a partial failure, not its message.
    failure.reasons = [failure.message];
    return failure;
}
