/**
 * The dynamic provider behind `OrgPackage`: adoption, drift against a baseline, deletes that
 * act only on the package the stack adopted (by GitHub id), the provider-enforced protect
 * list, one owner per package per run, and 404s read as "gone" only when the token can see
 * the organization.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { OrgAccess } from "../github/access";
import { PackageCatalog } from "./catalog";
import { Claims } from "./claims";
import { clientFor } from "../github/client";
import { ConfigLookup, CONFIG_NAMESPACE, resolveClientConfig } from "../shared/config";
import { capitalize, describe } from "../shared/messages";
import { PackagesApi } from "../github/packages";
import { assertDeletable } from "../shared/protection";
import {
    DRIFT_FIELDS,
    VERSION_DRIFT_FIELDS,
    OrgPackageInputs,
    OrgPackageSettings,
    OrgPackageState,
    PackageAction,
    PackageBaseline,
    PackageFields,
    PackageRef,
    PackageStatus,
    STORED_FIELDS,
    StoredBaseline,
    StoredFields,
} from "../shared/types";
import { packageId, parsePackageId } from "../shared/keys";
import { checkInputs, ORG_PACKAGE_INPUTS, UNKNOWN_VALUE, withDefaults } from "../shared/validate";


/** The inputs that name the package: changing one of them means managing another package. */
const IDENTITY: readonly (keyof PackageRef)[] = ["org", "packageType", "packageName"];

/** The inputs that only change how the package is managed: every input but the identity. */
const SETTINGS = ORG_PACKAGE_INPUTS.filter((k): k is Exclude<(typeof ORG_PACKAGE_INPUTS)[number], keyof PackageRef> => !(IDENTITY as readonly string[]).includes(k));

/** The services of one configuration: the REST operations, the shared reads and the access checks. */
interface Session {
    key: string;
    api: PackagesApi;
    catalog: PackageCatalog;
    access: OrgAccess;
}

/**
 * The dynamic provider behind `OrgPackage`. Packages are published, never created through the
 * API, so `create` adopts (restoring first when asked), `ensure: "absent"` deletes, `read` is
 * GitHub's get and `delete` touches the package only when `deleteOnDestroy` says so, and only
 * when GitHub still shows the package the stack adopted.
 */
export class OrgPackageProvider implements dynamic.ResourceProvider<OrgPackageInputs, OrgPackageState> {
    private lookup: ConfigLookup = () => undefined;
    private session?: Session;
    private readonly claims = new Claims();

    /** Keeps the stack's config to read the token and API URL from when a call is made. */
    async configure(req: dynamic.ConfigureRequest): Promise<void> {
        this.lookup = (key) => req.config.get(`${CONFIG_NAMESPACE}:${key}`);
        this.session = undefined;
    }

    /** Validates inputs before any API call and applies defaults. */
    async check(_olds: OrgPackageInputs, news: OrgPackageInputs): Promise<dynamic.CheckResult<OrgPackageInputs>> {
        // A value not known yet (preview) is checked at up; an unknown field name fails now, whatever its value.
        const known: readonly string[] = ORG_PACKAGE_INPUTS;
        const unknown = new Set(Object.entries(news).filter(([k, v]) => v === UNKNOWN_VALUE && known.includes(k)).map(([k]) => k));
        const failures = checkInputs(news).filter((f) => !unknown.has(f.property));
        if (failures.length > 0) {
            return { failures };
        }
        return { inputs: unknown.size > 0 ? news : withDefaults(news) };
    }

    /**
     * Replaces on a new identity, or when a different package now holds the name (status
     * `replaced`); updates when settings change, the package drifted from its baseline, or
     * it drifted from `ensure`. During a refresh the engine calls this with the fresh read as
     * `olds`, so drift makes the refresh count as a change.
     */
    async diff(_id: string, olds: OrgPackageState, news: OrgPackageInputs): Promise<dynamic.DiffResult> {
        const wanted = withDefaults(news);
        // The engine diffs every resource the program still declares before it deletes the ones
        // that left it: a package kept present here is never deleted through another resource in
        // this run, even when this resource needs no update (a rename whose first up failed).
        const adopted = adoptedId(olds);
        if (wanted.ensure === "present" && adopted !== undefined && olds.status !== "replaced" && samePackage(olds, wanted)) {
            this.claims.claim(wanted, { packageId: adopted, resourceId: packageId(wanted) });
        }
        const replaces: string[] = IDENTITY.filter((k) => !sameIdentity(k, olds[k], wanted[k]));
        if (olds.status === "replaced" && wanted.ensure === "present") {
            replaces.push("packageId");
        }
        const settingsChanged = SETTINGS.some((k) => olds[k] !== wanted[k]);
        return {
            changes: replaces.length > 0 || settingsChanged || driftedFields(olds).length > 0 || drifted(olds, wanted),
            replaces,
            deleteBeforeReplace: false,
        };
    }

    /** Adopts the package (restoring it first when asked), or deletes it for `ensure: "absent"`. */
    async create(inputs: OrgPackageInputs): Promise<dynamic.CreateResult<OrgPackageState>> {
        const wanted = withDefaults(inputs);
        return { id: packageId(wanted), outs: await this.converge(wanted) };
    }

    /** Converges the package to the new settings and accepts the drift a refresh found as the new baseline. */
    async update(_id: string, olds: OrgPackageState, news: OrgPackageInputs): Promise<dynamic.UpdateResult<OrgPackageState>> {
        return { outs: await this.converge(withDefaults(news), olds) };
    }

    /**
     * Reads the package from GitHub, keeping the baseline so drift shows. A 404 drops a
     * `present` package from state only when the token can see the organization's packages;
     * any other error fails the refresh and leaves state as it was.
     */
    async read(id: string, props?: OrgPackageState): Promise<dynamic.ReadResult<OrgPackageState>> {
        const imported = !props?.packageName;
        const settings = imported ? withDefaults(parsePackageId(id)) : withDefaults(props);
        const { catalog, access } = this.services();
        const fields = await catalog.get(settings);
        if (fields) {
            const next = observed(settings, fields, props);
            // An import (no props yet) takes the defaults as its inputs; the engine compares them with the program's.
            return imported ? { id, props: next, inputs: settings as OrgPackageState } : { id, props: next };
        }
        await access.assertGone(settings, "read");
        if (settings.ensure === "absent" && props) {
            return { id, props: { ...restated(props), status: "absent", statusReason: null } };
        }
        return {};
    }

    /**
     * Deletes the package when `deleteOnDestroy` is set, and only the package this resource
     * adopted: not one that took the name since, not one another resource of this run keeps
     * present (a rename or replace), never a protected one.
     */
    async delete(_id: string, props: OrgPackageState): Promise<void> {
        if (!props.deleteOnDestroy || props.status === "absent") {
            return;
        }
        const settings = withDefaults(props);
        const { api, catalog, access } = this.services();
        const claim = this.claims.claimOf(settings);
        if (claim) {
            console.warn(
                `${capitalize(describe({ operation: "delete", ...settings }))} is still declared present by ${claim.resourceId} in this ` +
                    `run (a renamed or replaced resource); it was not deleted.`,
            );
            return;
        }
        assertDeletable(settings, this.lookup, "delete");
        const adopted = adoptedId(props);
        const current = await api.get(settings);
        if (!current) {
            await access.assertGone(settings, "delete");
            await catalog.remember(settings, undefined);
            return;
        }
        if (adopted === undefined || current.packageId !== adopted) {
            console.warn(
                `${capitalize(describe({ operation: "delete", ...settings }))} is now a different package (GitHub id ${current.packageId}; ` +
                    `the stack adopted ${adopted ?? "none"}). It was not deleted; the resource leaves state.`,
            );
            return;
        }
        const outcome = await api.delete(settings, props.onUndeletable);
        await catalog.remember(settings, undefined);
        if (outcome === "undeletable") {
            console.warn(`${describe({ operation: "delete", ...settings })} cannot be deleted (over 5,000 downloads); it leaves state and stays on GitHub.`);
        }
    }

    private async converge(wanted: OrgPackageSettings, previous?: OrgPackageState): Promise<OrgPackageState> {
        const { api, catalog, access } = this.services();
        const current = await catalog.get(wanted);
        if (!current) {
            await access.assertGone(wanted, "read");
        }
        if (wanted.ensure === "present") {
            if (current) {
                assertSamePackage(wanted, previous, current);
                assertVisibility(wanted, current);
                warnIfExposed(wanted, previous, current);
                this.claims.claim(wanted, { packageId: current.packageId, resourceId: packageId(wanted) });
                const lastAction = previous?.status === "present" && adoptedId(previous) === current.packageId
                        ? previous.lastAction
                        : "adopted";
                return accepted(wanted, current, "present", null, lastAction);
            }
            if (!wanted.restoreIfDeleted) {
                throw new Error(
                    `${capitalize(describe({ operation: "read", ...wanted }))} does not exist. Packages are created by publishing ` +
                        `(npm publish, docker push, mvn deploy, ...), not by Pulumi: publish it first, or set restoreIfDeleted: true ` +
                        `if it was deleted within the last 30 days.`,
                );
            }
            await api.restore(wanted);
            const restored = await api.get(wanted);
            if (!restored) {
                throw new Error(`GitHub accepted the restore of ${describe({ operation: "restore", ...wanted })} but does not show it yet; run again.`);
            }
            await catalog.remember(wanted, restored);
            assertVisibility(wanted, restored);
            this.claims.claim(wanted, { packageId: restored.packageId, resourceId: packageId(wanted) });
            return accepted(wanted, restored, "present", null, "restored");
        }
        if (!current) {
            const known = previous && samePackage(previous, wanted) ? previous : undefined;
            return { ...accepted(wanted, undefined, "absent", null, previous?.lastAction ?? "none"), ...keptFields(known), baseline: known ? storedBaseline(known) : null };
        }
        const claim = this.claims.claimOf(wanted);
        if (claim) {
            throw new Error(
                `${capitalize(describe({ operation: "delete", ...wanted }))} is declared absent here and present by ${claim.resourceId} in the ` +
                    `same stack; nothing was deleted. Declare each package once.`,
            );
        }
        assertDeletable(wanted, this.lookup, 'delete (ensure: "absent")');
        const seen = previous && adoptedId(previous);
        if (seen !== undefined && seen !== current.packageId) {
            console.warn(
                `${capitalize(describe({ operation: "delete", ...wanted }))}: deleting package ${current.packageId}, which the stack had not seen ` +
                    `(it knew ${seen}); ensure: "absent" means no package may hold this name.`,
            );
        }
        const outcome = await api.delete(wanted, wanted.onUndeletable);
        if (outcome === "undeletable") {
            const reason = "GitHub refuses to delete a public package with a version over 5,000 downloads; only GitHub Support can.";
            return accepted(wanted, current, "undeletable", reason, "none");
        }
        await catalog.remember(wanted, undefined);
        return accepted(wanted, current, "absent", null, "deleted");
    }

    private services(): Session {
        const config = resolveClientConfig(this.lookup);
        const key = JSON.stringify(config);
        if (this.session?.key !== key) {
            const api = new PackagesApi(clientFor(config));
            this.session = { key, api, catalog: new PackageCatalog(api), access: new OrgAccess(api) };
        }
        return this.session;
    }
}

/** The state after `pulumi up` converged: GitHub's fields, accepted as the new baseline (nothing differs from it: `{}`). */
function accepted(
    settings: OrgPackageSettings,
    fields: PackageFields | undefined,
    status: PackageStatus,
    statusReason: string | null,
    lastAction: PackageAction,
): OrgPackageState {
    return { ...settings, ...keptFields(fields), baseline: fields ? {} : null, status, statusReason, lastAction };
}

/**
 * The state after a refresh read `fields`: GitHub's fields as they are now, the baseline as
 * the stack last accepted it. A different GitHub id under the name is status `replaced`.
 */
function observed(settings: OrgPackageSettings, fields: PackageFields, props: OrgPackageState | undefined): OrgPackageState {
    // A baseline comes from what the stack accepted; only an import (no state yet) takes GitHub's fields as its baseline.
    const acceptedFields = props ? acceptedOf(props) : baselineOf(fields);
    const baseline = acceptedFields ? driftFrom(acceptedFields, fields, settings) : null;
    const lastAction = props?.lastAction ?? "adopted";
    if (acceptedFields && acceptedFields.packageId !== fields.packageId && props?.status !== "absent") {
        const reason =
            `A different package (GitHub id ${fields.packageId}, created ${fields.createdAt}) now holds this name; the package the stack ` +
            `adopted (id ${acceptedFields.packageId}) is gone. pulumi up adopts the new package (shown as a replace); the old one is not deleted.`;
        return { ...settings, ...keptFields(fields), baseline, status: "replaced", statusReason: reason, lastAction };
    }
    if (settings.ensure === "absent" && props?.status === "absent") {
        const reason = `A package (GitHub id ${fields.packageId}) was published under this name after the stack saw it gone; pulumi up deletes it.`;
        return { ...settings, ...keptFields(fields), baseline, status: "present", statusReason: reason, lastAction };
    }
    const keepUndeletable = props?.status === "undeletable" && fields.visibility === "public";
    return {
        ...settings,
        ...keptFields(fields),
        baseline,
        status: keepUndeletable ? "undeletable" : "present",
        statusReason: keepUndeletable ? props.statusReason : null,
        lastAction,
    };
}

/**
 * The GitHub id of the package the stack accepted: the baseline's; in state written before
 * baselines existed, the recorded `packageId`; undefined when the stack accepted none.
 */
function adoptedId(state: OrgPackageState): number | undefined {
    return "baseline" in state ? acceptedOf(state)?.packageId : state.packageId;
}

/**
 * What the stack last accepted, whole: each drift field from the stored baseline when it holds
 * one (drift's old side, or every field in state written by 0.1), else the field in state.
 * State written before baselines: its own fields. Null when the stack accepted no package.
 */
function acceptedOf(state: OrgPackageState): PackageBaseline | null {
    if (!("baseline" in state)) {
        return state.packageId !== undefined ? baselineOf(state as Partial<PackageFields>) : null;
    }
    return state.baseline ? baselineOf({ ...state, ...state.baseline } as Partial<PackageFields>) : null;
}

/** The baseline to store for `state`: what it accepted, compacted against its own fields; null when it accepted none. */
function storedBaseline(state: OrgPackageState): StoredBaseline | null {
    const accepted = "baseline" in state ? acceptedOf(state) : null;
    return accepted ? driftFrom(accepted, state, state) : null;
}

/** `state` in the shape state is stored now: the fields it keeps, the baseline compacted (state written before baselines keeps none). */
function restated(state: OrgPackageState): OrgPackageState {
    const { status, statusReason, lastAction } = state;
    const baseline = "baseline" in state ? { baseline: storedBaseline(state) } : {};
    return { ...withDefaults(state), ...keptFields(state), ...baseline, status, statusReason, lastAction };
}

function baselineOf(fields: Partial<PackageFields>): PackageBaseline {
    const baseline = {} as Record<string, unknown>;
    for (const key of DRIFT_FIELDS) {
        baseline[key] = fields[key] ?? null;
    }
    return baseline as PackageBaseline;
}

/** The accepted values that differ from `current`: all the baseline state needs besides the fields themselves. */
function driftFrom(accepted: PackageBaseline, current: Partial<StoredFields>, settings: Pick<OrgPackageSettings, "watchVersions">): StoredBaseline {
    const drift: Record<string, unknown> = {};
    for (const key of watchedFields(settings)) {
        if ((accepted[key] ?? null) !== (current[key] ?? null)) {
            drift[key] = accepted[key] ?? null;
        }
    }
    return drift as StoredBaseline;
}

/** The drift fields whose value differs from the baseline. */
export function driftedFields(state: OrgPackageState): string[] {
    const baseline = state.baseline;
    if (!baseline || state.status === "absent") {
        return [];
    }
    return watchedFields(state).filter((key) => key in baseline && (state[key] ?? null) !== (baseline[key] ?? null));
}

/** The fields whose change is drift: all of {@link DRIFT_FIELDS}, but the version fields only while `watchVersions` is on. */
function watchedFields(settings: Pick<OrgPackageSettings, "watchVersions">): readonly (typeof DRIFT_FIELDS)[number][] {
    const unwatched: readonly string[] = settings.watchVersions === false ? VERSION_DRIFT_FIELDS : [];
    return DRIFT_FIELDS.filter((key) => !unwatched.includes(key));
}

/**
 * Fails `pulumi up` when a different package (another GitHub id) holds the name the stack
 * adopted and no refresh has shown it yet: adopting it must be a visible replace, never a
 * silent update that a later destroy would act on.
 */
function assertSamePackage(settings: OrgPackageSettings, previous: OrgPackageState | undefined, current: PackageFields): void {
    const adopted = previous?.status === "present" || previous?.status === "undeletable" ? adoptedId(previous) : undefined;
    if (adopted === undefined || adopted === current.packageId) {
        return;
    }
    throw new Error(
        `${capitalize(describe({ operation: "read", ...settings }))} is now a different package (GitHub id ${current.packageId}; the stack ` +
            `adopted ${adopted}, which is gone). Nothing was changed. Run pulumi refresh (or pulumi up --refresh): the plan then shows ` +
            `the new package's adoption as a replace, which deletes nothing.`,
    );
}

/** Fails `pulumi up` while the package's visibility is not the declared one: GitHub's API cannot change it. */
function assertVisibility(settings: OrgPackageSettings, fields: PackageFields): void {
    if (settings.expectedVisibility === undefined || settings.expectedVisibility === fields.visibility) {
        return;
    }
    const settingsPage = `${fields.htmlUrl.replace(/\/+$/, "")}/settings`;
    throw new Error(
        `${capitalize(describe({ operation: "read", ...settings }))} is ${fields.visibility}, but the stack expects it ${settings.expectedVisibility}. ` +
            `GitHub's REST API cannot change a package's visibility: change it in the package's settings (${settingsPage}, ` +
            `"Danger Zone" > "Change visibility"), then run pulumi up again; or change expectedVisibility if ${fields.visibility} is intended.`,
    );
}

/** Says so when `pulumi up` accepts a package that turned public behind the stack's back. */
function warnIfExposed(settings: OrgPackageSettings, previous: OrgPackageState | undefined, current: PackageFields): void {
    const before = previous ? acceptedOf(previous)?.visibility : undefined;
    if (before !== undefined && before !== "public" && current.visibility === "public" && settings.expectedVisibility === undefined) {
        console.warn(
            `${capitalize(describe({ operation: "read", ...settings }))} turned public outside the stack (it was ${before}); accepted as the ` +
                `new baseline. If that was not intended, change it in ${current.htmlUrl}/settings and declare expectedVisibility: "${before}".`,
        );
    }
}

/** The fields of `fields` state keeps ({@link STORED_FIELDS}): from GitHub's answer, or from older state that kept more. */
function keptFields(fields: Partial<StoredFields> | undefined): Partial<StoredFields> {
    const known: Partial<StoredFields> = {};
    for (const key of STORED_FIELDS) {
        if (fields?.[key] !== undefined) {
            (known as Record<string, unknown>)[key] = fields[key];
        }
    }
    return known;
}


function drifted(olds: OrgPackageState, wanted: OrgPackageSettings): boolean {
    if (wanted.ensure === "present") {
        return olds.status !== "present";
    }
    if (olds.status === "undeletable") {
        return olds.visibility !== "public";
    }
    return olds.status === "present" || olds.status === "replaced";
}

/** GitHub looks organizations and package names up case-insensitively: a change of case is not another package. */
function sameIdentity(key: keyof PackageRef, old: unknown, wanted: unknown): boolean {
    return key !== "packageType" && typeof old === "string" && typeof wanted === "string" ? old.toLowerCase() === wanted.toLowerCase() : old === wanted;
}

function samePackage(a: PackageRef, b: PackageRef): boolean {
    return IDENTITY.every((k) => sameIdentity(k, a[k], b[k]));
}

