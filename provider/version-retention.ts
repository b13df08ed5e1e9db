/**
 * The dynamic provider behind `PackageVersionRetention`: the retention of one package's
 * versions as a Pulumi resource. `check` lists the package's active versions and plans (so the
 * plan is part of the inputs `pulumi preview --diff` shows), `update` deletes what that plan
 * named, oldest first, paced by the client's write limiter, and records each deletion in state;
 * `restore` brings back versions the resource deleted, within GitHub's 30 days. A failure midway
 * keeps what was already deleted in state (a partial failure); the next run lists again, so
 * nothing is deleted twice and nothing skipped. docs/retention.md explains the resource.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { clientFor } from "./client";
import { ConfigLookup, CONFIG_NAMESPACE, resolveClientConfig, resolveRegistryUrl } from "./config";
import { BrokenImage, findBrokenImages } from "./image-health";
import { planImageRetention } from "./image-retention";
import { registryClientFor, RegistryError } from "./registry";
import { capitalize, describe, statusOf } from "./errors";
import { packageId } from "./resource";
import { PackagesApi } from "./packages";
import { assertDeletable } from "./protection";
import { BlockReason, planRetention, RetentionCandidate, RetentionCapError, RetentionPlan } from "./retention";
import { checkRetentionPolicy, RetentionPolicy } from "./retention-policy";
import { PackageRef } from "./types";
import { checkRef, describeValue, InputFailure, isRecord, UNKNOWN_VALUE, unknownFields } from "./validate";
import { PackageVersionFields, PackageVersionsApi } from "./versions";


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
}

/** The inputs of a `PackageVersionRetention`, as the provider receives them. */
export interface VersionRetentionInputs extends PackageRef {
    /** What to delete from the package's versions. */
    policy: RetentionPolicy;
    /** Versions this resource deleted to bring back on `pulumi up`: their ids, or `"all"` (within GitHub's 30 days). Nothing is deleted while set. */
    restore?: number[] | "all";
    /** The plan `check` made for this run; set by the provider, never by programs. */
    plan?: RetentionPlanView;
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
}

/** One version the rules select that was not deleted. */
export interface BlockedVersionRecord {
    /** GitHub's id of the version. */
    versionId: number;
    /** The version's name. */
    name: string;
    /** `last-version`, `undeletable` (over 5,000 downloads), `unreadable-manifest` (image graph incomplete) or `missing` (someone else deleted it first). */
    blockedBy: BlockReason | "missing";
    /** Why, in words. */
    reason: string;
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
}

/** The state of a `PackageVersionRetention`. */
export interface VersionRetentionState extends VersionRetentionInputs {
    /** GitHub's id of the package whose versions the resource manages, or null when it is gone. */
    packageId: number | null;
    /** Every version the resource deleted in the last {@link RECORD_DAYS} days, oldest first. */
    deleted: DeletedVersionRecord[];
    /** Versions the resource restored in the last {@link RECORD_DAYS} days: id, name and when. */
    restored: { versionId: number; name: string; restoredAt: string }[];
    /** Versions the last run's rules selected but could not delete. */
    blocked: BlockedVersionRecord[];
    /** What the last run did. */
    lastRun: RetentionRunSummary | null;
    /** Container packages: tagged images that would not pull (a child or their own manifest gone), as the last refresh found them. */
    brokenImages: BrokenImage[];
}

/** The inputs a `PackageVersionRetention` takes; `check` refuses any other name. */
export const RETENTION_INPUTS = ["org", "packageType", "packageName", "policy", "restore", "plan"] as const satisfies readonly (keyof VersionRetentionInputs)[];

/** The outputs the SDK registers as undefined inputs; `check` ignores them while undefined. */
export const RETENTION_OUTPUTS = ["packageId", "deleted", "restored", "blocked", "lastRun", "brokenImages"] as const satisfies readonly (keyof VersionRetentionState)[];

/** The resource id of a retention: `org/type/name`, the package's own id. */
export function retentionId(ref: PackageRef): string {
    return packageId(ref);
}

/** A listing made by `check`, used by the `update` of the same run so that the package is listed once per operation. */
interface Listing {
    /** The package's GitHub id, read with the list only when the plan may delete the whole package. */
    packageId?: number;
    /** Its active versions. */
    versions: PackageVersionFields[];
    /** When it was listed (ms). */
    at: number;
}

/** How long a listing made by `check` may be used by `update` before the package is listed again. */
const LISTING_TTL_MS = 5 * 60_000;

/** The dynamic provider behind `PackageVersionRetention`. */
export class VersionRetentionProvider implements dynamic.ResourceProvider<VersionRetentionInputs, VersionRetentionState> {
    private lookup: ConfigLookup = () => undefined;
    private readonly listings = new Map<string, Listing>();

    /** Keeps the stack's config to read the token and API URL from when a call is made. */
    async configure(req: dynamic.ConfigureRequest): Promise<void> {
        this.lookup = (key) => req.config.get(`${CONFIG_NAMESPACE}:${key}`);
    }

    /**
     * Validates the inputs before any call, then lists the package and plans: the plan becomes
     * the `plan` input, which `pulumi preview --diff` shows line by line. A plan over its cap
     * fails here, naming the counts, before anything is deleted.
     */
    async check(_olds: VersionRetentionInputs, news: VersionRetentionInputs): Promise<dynamic.CheckResult<VersionRetentionInputs>> {
        const failures = checkRetentionInputs(news);
        if (failures.length > 0) {
            return { failures };
        }
        if (hasUnknown(news)) {
            return { inputs: { ...news, plan: undefined } };
        }
        if (news.restore !== undefined) {
            return { inputs: { ...news, plan: suspendedPlan(news.restore) } };
        }
        const listing = await this.list(news);
        try {
            const plan = await this.plan(news, listing, new Date());
            return { inputs: { ...news, plan: viewOf(plan) } };
        } catch (error) {
            if (error instanceof RetentionCapError) {
                return { failures: [{ property: "policy.maxDeletions", reason: error.message }] };
            }
            throw error;
        }
    }

    /**
     * Changes when the plan deletes or restores something, the package or policy changed, or a
     * refresh found broken images (so `--expect-no-changes` fails until they are fixed).
     */
    async diff(_id: string, olds: VersionRetentionState, news: VersionRetentionInputs): Promise<dynamic.DiffResult> {
        const replaces = (["org", "packageType", "packageName"] as const).filter((k) => olds[k] !== news[k]);
        // A refresh diffs the fresh read against the inputs of the last up, whose plan that up carried out: its
        // deletions are done, refused or skipped, not pending. A fresh plan (a preview's check) is pending as it is.
        const lastPlan = news.plan !== undefined && JSON.stringify(news.plan) === JSON.stringify(olds.plan);
        const done = new Set([
            ...(olds.deleted ?? []).map((r) => r.versionId),
            ...(lastPlan ? (olds.blocked ?? []).map((r) => r.versionId) : []),
            ...(lastPlan ? (olds.lastRun?.skipped ?? []) : []),
        ]);
        const planned =
            news.plan === undefined || news.plan.delete.some((d) => !done.has(d.id)) || (news.plan.deletePackage && olds.packageId !== null);
        if (news.restore !== undefined) {
            assertRestorable(olds, news.restore, new Date());
        }
        const restoring = news.restore !== undefined && pendingRestores(olds, news.restore).length > 0;
        const policyChanged = JSON.stringify(olds.policy) !== JSON.stringify(news.policy);
        const broken = (olds.brokenImages ?? []).length > 0;
        return { changes: replaces.length > 0 || planned || restoring || policyChanged || broken, replaces, deleteBeforeReplace: false };
    }

    /** Applies the plan of this run to a package the stack did not manage before. */
    async create(inputs: VersionRetentionInputs): Promise<dynamic.CreateResult<VersionRetentionState>> {
        const id = retentionId(inputs);
        return { id, outs: await this.apply(id, inputs, undefined) };
    }

    /** Applies the plan of this run: deletes what it named, or restores what `restore` asks for. */
    async update(id: string, olds: VersionRetentionState, news: VersionRetentionInputs): Promise<dynamic.UpdateResult<VersionRetentionState>> {
        return { outs: await this.apply(id, news, olds) };
    }

    /**
     * Keeps what the resource deleted (history) and, for a container package, finds the tagged
     * images that would not pull (`brokenImages`, drift). A package gone leaves the state as it
     * is (the next preview says so); any other failure fails the refresh and changes nothing.
     */
    async read(id: string, props?: VersionRetentionState): Promise<dynamic.ReadResult<VersionRetentionState>> {
        if (!props || props.packageType !== "container") {
            return { id, props };
        }
        let versions: PackageVersionFields[];
        try {
            versions = await new PackageVersionsApi(this.github()).list(props, "active");
        } catch (error) {
            if (statusOf(error) === 404) {
                return { id, props };
            }
            throw error;
        }
        try {
            return { id, props: { ...props, brokenImages: await findBrokenImages(versions, this.manifests(props)) } };
        } catch (error) {
            if (!(error instanceof RegistryError)) {
                throw error;
            }
            const cause = error.message;
            throw new Error(
                `The refresh of ${retentionId(props)} could not check its images: ${cause} Nothing was changed in state. ` +
                    `Check ${CONFIG_NAMESPACE}:registryUrl (now ${resolveRegistryUrl(this.lookup)}) and ${CONFIG_NAMESPACE}:token (read:packages), or run again later.`,
            );
        }
    }

    /** Deletes nothing: the versions the resource deleted stay deleted, the others stay. */
    async delete(_id: string, _props: VersionRetentionState): Promise<void> {}

    private async apply(id: string, inputs: VersionRetentionInputs, olds: VersionRetentionState | undefined): Promise<VersionRetentionState> {
        const now = new Date();
        const state: VersionRetentionState = {
            ...inputs,
            packageId: olds?.packageId ?? null,
            deleted: (olds?.deleted ?? []).filter((record) => now.getTime() - Date.parse(record.deletedAt) < RECORD_DAYS * 86_400_000),
            restored: (olds?.restored ?? []).filter((record) => now.getTime() - Date.parse(record.restoredAt) < RECORD_DAYS * 86_400_000),
            blocked: [],
            lastRun: null,
            // A refresh finds broken images; an up cannot mend them, and forgets only those it deleted.
            brokenImages: olds?.brokenImages ?? [],
        };
        if (inputs.restore !== undefined) {
            return this.restore(id, inputs, state, now);
        }
        const { listing, union } = await this.relist(inputs, this.takeListing(inputs) ?? (await this.list(inputs)));
        // The package's id for the record; read here, where the engine runs resources in parallel, not in check, where it does not.
        state.packageId = listing.packageId ?? (await new PackagesApi(this.github()).get(inputs))?.packageId ?? null;
        const plan = await this.plan(inputs, listing, now);
        // A version either list saw can only keep others: what the union's plan keeps is not deleted either.
        const unionDeletes = union ? new Set((await this.plan(inputs, union, now)).deletions.map((d) => d.versionId)) : undefined;
        // Only what the previewed plan of this run named: a version the rules select since then waits for the next preview.
        const named = new Set((inputs.plan?.delete ?? []).map((d) => d.id));
        const deletions = plan.deletions.filter((d) => named.has(d.versionId) && (!unionDeletes || unionDeletes.has(d.versionId)));
        const summary: RetentionRunSummary = { at: now.toISOString(), total: listing.versions.length, deleted: 0, restored: 0, blocked: 0, deletedPackage: false };
        const chosen = new Set(deletions.map((d) => d.versionId));
        summary.skipped = [...named].filter((id) => !chosen.has(id));
        state.lastRun = summary;
        state.blocked = plan.blocked.map((b) => ({ versionId: b.versionId, name: b.name, blockedBy: b.blockedBy, reason: b.reason }));
        // The whole package only when every version it holds now was named by the preview: nothing published since goes with it.
        if (plan.deletePackage && inputs.plan?.deletePackage && listing.versions.every((v) => named.has(v.versionId))) {
            await this.deletePackage(inputs, listing, state);
            summary.deletedPackage = true;
            summary.deleted = listing.versions.length;
            return state;
        }
        const versions = new PackageVersionsApi(this.github());
        for (const deletion of deletions) {
            let outcome;
            try {
                outcome = await versions.delete({ ...refOf(inputs), versionId: deletion.versionId }, "report");
            } catch (error) {
                summary.blocked = state.blocked.length;
                throw partialFailure(id, state, error, summary.deleted, deletions.length);
            }
            if (outcome === "deleted") {
                state.deleted.push({ versionId: deletion.versionId, name: deletion.name, tags: deletion.tags, deletedAt: new Date().toISOString(), rule: deletion.rule });
                summary.deleted++;
            } else {
                state.blocked.push({ versionId: deletion.versionId, name: deletion.name, blockedBy: outcome === "missing" ? "missing" : outcome, reason: refusal(outcome) });
            }
        }
        summary.blocked = state.blocked.length;
        const deletedNow = new Set(state.deleted.map((r) => r.versionId));
        state.brokenImages = state.brokenImages.filter((b) => !deletedNow.has(b.versionId));
        this.listings.delete(retentionId(inputs));
        return state;
    }

    private async restore(id: string, inputs: VersionRetentionInputs, state: VersionRetentionState, now: Date): Promise<VersionRetentionState> {
        assertRestorable(state, inputs.restore!, now);
        const wanted = pendingRestores(state, inputs.restore!);
        const versions = new PackageVersionsApi(this.github());
        const summary: RetentionRunSummary = { at: now.toISOString(), total: 0, deleted: 0, restored: 0, blocked: 0, deletedPackage: false };
        state.lastRun = summary;
        for (const record of wanted) {
            const ref = { ...refOf(inputs), versionId: record.versionId };
            try {
                if ((await versions.get(ref)) === undefined) {
                    await versions.restore(ref);
                }
            } catch (error) {
                throw partialFailure(id, state, error, summary.restored, wanted.length, "restored");
            }
            state.deleted = state.deleted.filter((r) => r.versionId !== record.versionId);
            state.restored.push({ versionId: record.versionId, name: record.name, restoredAt: new Date().toISOString() });
            summary.restored++;
        }
        return state;
    }

    private async deletePackage(inputs: VersionRetentionInputs, listing: Listing, state: VersionRetentionState): Promise<void> {
        assertDeletable(inputs, this.lookup, 'delete (retention lastVersion: "delete-package")');
        const api = new PackagesApi(this.github());
        const current = await api.get(inputs);
        if (!current || listing.packageId === undefined || current.packageId !== listing.packageId) {
            throw new Error(`${capitalize(describe({ operation: "delete", ...refOf(inputs) }))} changed while planning (another package id, or gone); nothing was deleted. Run again.`);
        }
        const now = await new PackageVersionsApi(this.github()).list(inputs, "active");
        const planned = new Set(listing.versions.map((v) => v.versionId));
        if (now.length !== planned.size || now.some((v) => !planned.has(v.versionId))) {
            throw new Error(`${capitalize(describe({ operation: "delete", ...refOf(inputs) }))} has other versions than the plan named (published or deleted since); nothing was deleted. Run again.`);
        }
        await api.delete(inputs, "fail");
        const at = new Date().toISOString();
        for (const version of listing.versions) {
            state.deleted.push({ versionId: version.versionId, name: version.name, tags: version.tags, deletedAt: at, rule: "lastVersion delete-package" });
        }
        state.packageId = null;
    }

    /**
     * Plans the package's retention: a container package with its image graph, read from the
     * registry (each manifest at most once per process), every other one from its version list.
     */
    private async plan(inputs: VersionRetentionInputs, listing: Listing, now: Date): Promise<RetentionPlan> {
        const options = { packageType: inputs.packageType, now, subject: retentionId(inputs) };
        if (inputs.packageType !== "container") {
            return planRetention(inputs.policy, listing.versions, options);
        }
        const plan = await planImageRetention(inputs.policy, listing.versions, options, this.manifests(inputs));
        // Not one manifest readable: a wrong registry or token, not a broken image. Fail (nothing deleted) naming the settings,
        // rather than a plan whose blocked reasons the preview cuts before the cause.
        // 404s are answers (ghost images), not a wrong registry: they only block, as the graph says.
        if (plan.manifestsRead > 0 && plan.unreadable.length === plan.manifestsRead && plan.unreadable.some((u) => u.problem !== "not-found")) {
            throw new Error(
                `Retention of ${options.subject} read none of its ${plan.manifestsRead} manifests from the container registry ${resolveRegistryUrl(this.lookup)} ` +
                    `(${CONFIG_NAMESPACE}:registryUrl); nothing was deleted. First failure: ${plan.unreadable[0].reason} ` +
                    `Check ${CONFIG_NAMESPACE}:registryUrl (https://ghcr.io on GitHub.com, https://containers.HOST on GitHub Enterprise Server) ` +
                    `and that ${CONFIG_NAMESPACE}:token has read:packages, then run again.`,
            );
        }
        return plan;
    }

    /** The package's manifests, through the registry client shared by the process (each read at most once). */
    private manifests(ref: PackageRef) {
        return registryClientFor(resolveClientConfig(this.lookup), resolveRegistryUrl(this.lookup)).forPackage(ref.org, ref.packageName);
    }

    /**
     * Lists the package's active versions, one request per 100, and keeps the listing for this
     * run's update. The engine checks resources one at a time, so `check` makes no other request,
     * except the package's id when the policy may delete the whole package.
     */
    private async list(inputs: VersionRetentionInputs): Promise<Listing> {
        const github = this.github();
        let versions: PackageVersionFields[];
        try {
            versions = await new PackageVersionsApi(github).list(inputs, "active");
        } catch (error) {
            if (statusOf(error) !== 404) {
                throw error;
            }
            throw new Error(
                `${capitalize(describe({ operation: "read", ...refOf(inputs) }))} does not exist (or the token cannot see it); its retention did nothing. ` +
                    `Give the package's name without an owner or repository prefix, as GitHub shows it, and check the token's read:packages scope.`,
            );
        }
        const packageId = inputs.policy.lastVersion === "delete-package" ? (await new PackagesApi(github).get(inputs))?.packageId : undefined;
        const listing = { packageId, versions, at: Date.now() };
        this.listings.set(retentionId(inputs), listing);
        return listing;
    }

    /**
     * Before a container plan deletes, the package is listed again. The fresh list is planned (a
     * tag moved onto a planned image since the preview keeps it; keep counts count what exists),
     * and so is the union with what only the first list saw: a list paged while another tool
     * deletes can skip a version, and a skipped kept index would make its children look like
     * garbage. A version is deleted only when both plans delete it.
     */
    private async relist(inputs: VersionRetentionInputs, listing: Listing): Promise<{ listing: Listing; union?: Listing }> {
        if (inputs.packageType !== "container" || (inputs.plan?.delete ?? []).length === 0) {
            return { listing };
        }
        const again = await new PackageVersionsApi(this.github()).list(inputs, "active");
        const fresh = new Set(again.map((v) => v.versionId));
        return {
            listing: { ...listing, versions: again },
            union: { ...listing, versions: [...again, ...listing.versions.filter((v) => !fresh.has(v.versionId))] },
        };
    }

    private takeListing(ref: PackageRef): Listing | undefined {
        const listing = this.listings.get(retentionId(ref));
        this.listings.delete(retentionId(ref));
        return listing && Date.now() - listing.at < LISTING_TTL_MS ? listing : undefined;
    }

    private github() {
        return clientFor(resolveClientConfig(this.lookup));
    }
}

/** Checks every input before any call; a value not known yet (preview) is checked at up, an unknown field name fails now. */
export function checkRetentionInputs(news: VersionRetentionInputs): InputFailure[] {
    const known = new Set(Object.entries(news).filter(([, v]) => v === UNKNOWN_VALUE).map(([k]) => k));
    const input = news as unknown as Record<string, unknown>;
    const failures: InputFailure[] = [
        ...unknownFields(
            Object.fromEntries(Object.entries(input).filter(([k, v]) => k !== "__provider" && !(v === undefined && (RETENTION_OUTPUTS as readonly string[]).includes(k)))),
            RETENTION_INPUTS.filter((k) => k !== "plan"),
            "",
            "an input of PackageVersionRetention",
        ).filter((f) => f.property !== "plan"),
        ...checkRef(input).filter((f) => !known.has(f.property)),
    ];
    if (input.policy === undefined) {
        failures.push({ property: "policy", reason: "policy is required: the retention policy, e.g. { keepLatest: 10, maxDeletions: 50 }." });
    } else if (!known.has("policy") && !containsUnknown(input.policy)) {
        const packageType = known.has("packageType") ? undefined : news.packageType;
        // Container retentions plan with the image graph, so their policies may select untagged versions.
        failures.push(...checkRetentionPolicy(input.policy, packageType, { imageGraph: packageType === "container" }).map((f) => ({ property: f.property === "policy" ? "policy" : `policy.${f.property}`, reason: f.reason })));
    }
    if (input.restore !== undefined && !known.has("restore") && !containsUnknown(input.restore)) {
        const restore = input.restore;
        const valid = restore === "all" || (Array.isArray(restore) && restore.length > 0 && restore.every((id) => Number.isInteger(id) && (id as number) > 0));
        if (!valid) {
            failures.push({
                property: "restore",
                reason: `restore must be "all" or a non-empty list of version ids this resource deleted (see its deleted output), got ${describeValue(restore)}.`,
            });
        }
    }
    return failures;
}

function hasUnknown(news: VersionRetentionInputs): boolean {
    return (["org", "packageType", "packageName", "policy", "restore"] as const).some((k) => containsUnknown(news[k]));
}

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN_VALUE) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    return isRecord(value) && Object.values(value).some(containsUnknown);
}

/**
 * Throws unless every version `restore` names is one this resource deleted (in its records) and
 * still within GitHub's 30 days; checked in `diff`, so the preview fails before anything runs.
 */
function assertRestorable(state: Pick<VersionRetentionState, "deleted" | "restored">, restore: number[] | "all", now: Date): void {
    const records = state.deleted ?? [];
    // A version restored already stays named in `restore` until the program drops it: that is not an error.
    const restored = new Set((state.restored ?? []).map((r) => r.versionId));
    const unknown = restore === "all" ? [] : restore.filter((versionId) => !restored.has(versionId) && !records.some((r) => r.versionId === versionId));
    if (unknown.length > 0) {
        throw new Error(
            `restore names version${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}, which this resource did not delete (or restore) in the last ${RECORD_DAYS} days ` +
                `(its deleted output lists the ones it did); nothing was restored. Restore other versions with restoreOrgPackageVersion.`,
        );
    }
    const expired = pendingRestores(state, restore).filter((r) => now.getTime() - Date.parse(r.deletedAt) >= RESTORE_WINDOW_DAYS * 86_400_000);
    if (expired.length > 0) {
        throw new Error(
            `GitHub restores a version only within ${RESTORE_WINDOW_DAYS} days of its deletion; ${expired.map((r) => `${r.name} (id ${r.versionId}, deleted ${r.deletedAt})`).join(", ")} ` +
                `cannot be restored any more. Remove ${expired.length === 1 ? "it" : "them"} from restore; nothing was restored.`,
        );
    }
}

/** The records `restore` asks for that are still deleted: named ones, or for `"all"` those within GitHub's 30 days. */
function pendingRestores(state: Pick<VersionRetentionState, "deleted">, restore: number[] | "all", now = new Date()): DeletedVersionRecord[] {
    const records = state.deleted ?? [];
    return restore === "all"
        ? records.filter((r) => now.getTime() - Date.parse(r.deletedAt) < RESTORE_WINDOW_DAYS * 86_400_000)
        : records.filter((r) => restore.includes(r.versionId));
}

/** The plan while `restore` is set: nothing is deleted, so a restored version is not deleted again in the same run. */
function suspendedPlan(restore: number[] | "all"): RetentionPlanView {
    const what = restore === "all" ? "every version this resource deleted within 30 days" : `version${restore.length === 1 ? "" : "s"} ${restore.join(", ")}`;
    return {
        summary: `restoring ${what}; no version is deleted while restore is set. Protect the restored versions in the policy before removing restore, or the next run deletes them again.`,
        delete: [],
        keep: [],
        blocked: [],
        deletePackage: false,
    };
}

/** The plan as the preview shows it. */
export function viewOf(plan: RetentionPlan): RetentionPlanView {
    const entry = (v: RetentionCandidate, rule: string, reason: string): PlannedVersion => ({
        id: v.versionId,
        version: v.name,
        ...(v.tags.length > 0 ? { tags: [...v.tags] } : {}),
        rule,
        reason,
    });
    const counts = new Map<string, number>();
    for (const kept of plan.kept) {
        counts.set(kept.keptBy, (counts.get(kept.keptBy) ?? 0) + 1);
    }
    const keptText = [...counts].map(([why, n]) => `${n} ${why}`).join(", ");
    const deleting = plan.deletePackage ? `the whole package (${plan.total} versions)` : `${plan.deletions.length}`;
    const listed = (n: number) => (n > LISTED_LIMIT ? `, the first ${LISTED_LIMIT} listed` : "");
    return {
        summary:
            `${plan.total} active versions: delete ${deleting}, keep ${plan.kept.length}${keptText ? ` (${keptText})` : ""}${listed(plan.kept.length)}, ` +
            `blocked ${plan.blocked.length}${listed(plan.blocked.length)}; cap ${plan.maxDeletions}.`,
        delete: plan.deletions.map((d) => entry(d, d.rule, d.reason)),
        // Versions kept by a count are the least telling: listed after those a protect rule or the graph kept.
        keep: [...plan.kept.filter((k) => !k.keptBy.startsWith("keep-latest")), ...plan.kept.filter((k) => k.keptBy.startsWith("keep-latest"))]
            .slice(0, LISTED_LIMIT)
            .map((k) => entry(k, k.keptBy, k.reason)),
        blocked: plan.blocked.slice(0, LISTED_LIMIT).map((b) => entry(b, b.blockedBy, b.reason)),
        deletePackage: plan.deletePackage,
    };
}

/**
 * The error of a run that stopped midway, carrying the state so far: the engine records it
 * (a partial failure), so the versions already deleted stay recorded and restorable.
 */
function partialFailure(id: string, state: VersionRetentionState, error: unknown, done: number, planned: number, verb = "deleted"): Error {
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

function refusal(outcome: "missing" | "last-version" | "undeletable"): string {
    switch (outcome) {
        case "missing":
            return "already deleted when the run reached it (by someone else, or an earlier interrupted run); not recorded as deleted here.";
        case "last-version":
            return "GitHub refused: it is the package's last (tagged) version.";
        case "undeletable":
            return "GitHub refused: a public version with more than 5,000 downloads; protect it with protect.versionIds so that no plan selects it.";
    }
}

function refOf(ref: PackageRef): PackageRef {
    return { org: ref.org, packageType: ref.packageType, packageName: ref.packageName };
}



