import type * as dynamic from "@pulumi/pulumi/dynamic";
import { PackageCatalog } from "./catalog";
import { clientFor } from "./client";
import { ConfigLookup, CONFIG_NAMESPACE, resolveClientConfig } from "./config";
import { describe } from "./errors";
import { PackagesApi } from "./packages";
import { OrgPackageInputs, OrgPackageState, PackageAction, PackageFields, PackageRef, PackageStatus } from "./types";
import { checkInputs, withDefaults } from "./validate";

/** The value Pulumi passes for inputs that are not known yet (during preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The inputs that name the package: changing one of them means managing another package. */
const IDENTITY: readonly (keyof PackageRef)[] = ["org", "packageType", "packageName"];

/** The inputs that only change how the package is managed. */
const SETTINGS: readonly (keyof OrgPackageInputs)[] = ["ensure", "restoreIfDeleted", "deleteOnDestroy", "onUndeletable", "reason"];

/** The resource id of a package: `org/type/name` (the name may itself contain `/`). */
export function packageId(ref: PackageRef): string {
    return `${ref.org}/${ref.packageType}/${ref.packageName}`;
}

/** Parses a resource id made by {@link packageId}. */
export function parsePackageId(id: string): PackageRef {
    const [org, packageType, ...name] = id.split("/");
    if (!org || !packageType || name.length === 0) {
        throw new Error(`"${id}" is not an OrgPackage id; ids look like org/type/name, e.g. acme/npm/widgets.`);
    }
    return { org, packageType: packageType as PackageRef["packageType"], packageName: name.join("/") };
}

/**
 * The dynamic provider behind `OrgPackage`. Packages are published, never created through the
 * API, so `create` adopts (restoring first when asked), `ensure: "absent"` deletes, `read` is
 * GitHub's get (only a 404 means gone) and `delete` touches the package only when
 * `deleteOnDestroy` says so.
 */
export class OrgPackageProvider implements dynamic.ResourceProvider<OrgPackageInputs, OrgPackageState> {
    private lookup: ConfigLookup = () => undefined;
    private session?: { key: string; api: PackagesApi; catalog: PackageCatalog };

    /** Keeps the stack's config to read the token and API URL from when a call is made. */
    async configure(req: dynamic.ConfigureRequest): Promise<void> {
        this.lookup = (key) => req.config.get(`${CONFIG_NAMESPACE}:${key}`);
        this.session = undefined;
    }

    /** Validates inputs before any API call and applies defaults. */
    async check(_olds: OrgPackageInputs, news: OrgPackageInputs): Promise<dynamic.CheckResult<OrgPackageInputs>> {
        const unknown = new Set(Object.entries(news).filter(([, v]) => v === UNKNOWN).map(([k]) => k));
        const failures = checkInputs(news).filter((f) => !unknown.has(f.property));
        if (failures.length > 0) {
            return { failures };
        }
        return { inputs: unknown.size > 0 ? news : withDefaults(news) };
    }

    /** Replaces on a new identity; updates when settings change or the package drifted from `ensure`. */
    async diff(_id: string, olds: OrgPackageState, news: OrgPackageInputs): Promise<dynamic.DiffResult> {
        const wanted = withDefaults(news);
        const replaces = IDENTITY.filter((k) => !sameIdentity(k, olds[k], wanted[k]));
        const settingsChanged = SETTINGS.some((k) => olds[k] !== wanted[k]);
        return {
            changes: replaces.length > 0 || settingsChanged || drifted(olds, wanted),
            replaces,
            deleteBeforeReplace: false,
        };
    }

    /** Adopts the package (restoring it first when asked), or deletes it for `ensure: "absent"`. */
    async create(inputs: OrgPackageInputs): Promise<dynamic.CreateResult<OrgPackageState>> {
        const wanted = withDefaults(inputs);
        return { id: packageId(wanted), outs: await this.converge(wanted) };
    }

    /** Converges the package to the new settings. */
    async update(_id: string, olds: OrgPackageState, news: OrgPackageInputs): Promise<dynamic.UpdateResult<OrgPackageState>> {
        return { outs: await this.converge(withDefaults(news), olds) };
    }

    /** Reads the package from GitHub. A 404 drops a `present` package from state; any other error fails the refresh. */
    async read(id: string, props?: OrgPackageState): Promise<dynamic.ReadResult<OrgPackageState>> {
        const imported = !props?.packageName;
        const settings = imported ? withDefaults(parsePackageId(id)) : pickInputs(props);
        const fields = await this.services().catalog.get(settings);
        if (fields) {
            const keepUndeletable = props?.status === "undeletable" && fields.visibility === "public";
            const status: PackageStatus = keepUndeletable ? "undeletable" : "present";
            const next = state(settings, fields, status, keepUndeletable ? props.statusReason : null, props?.lastAction ?? "adopted");
            // An import (no props yet) takes the defaults as its inputs; the engine compares them with the program's.
            return imported ? { id, props: next, inputs: settings as OrgPackageState } : { id, props: next };
        }
        if (settings.ensure === "absent" && props) {
            return { id, props: { ...props, status: "absent", statusReason: null } };
        }
        return {};
    }

    /** Deletes the package only when `deleteOnDestroy` is set; otherwise the package stays on GitHub. */
    async delete(_id: string, props: OrgPackageState): Promise<void> {
        if (!props.deleteOnDestroy || props.status === "absent") {
            return;
        }
        const settings = pickInputs(props);
        const outcome = await this.services().api.delete(settings, props.onUndeletable);
        await this.services().catalog.remember(settings, undefined);
        if (outcome === "undeletable") {
            console.warn(`${describe({ operation: "delete", ...settings })} cannot be deleted (over 5,000 downloads); it leaves state and stays on GitHub.`);
        }
    }

    private async converge(wanted: Required<OrgPackageInputs>, previous?: OrgPackageState): Promise<OrgPackageState> {
        const { api, catalog } = this.services();
        const current = await catalog.get(wanted);
        if (wanted.ensure === "present") {
            if (current) {
                return state(wanted, current, "present", null, previous?.status === "present" ? previous.lastAction : "adopted");
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
            return state(wanted, restored, "present", null, "restored");
        }
        if (!current) {
            return state(wanted, previous && samePackage(previous, wanted) ? previous : undefined, "absent", null, previous?.lastAction ?? "none");
        }
        const outcome = await api.delete(wanted, wanted.onUndeletable);
        if (outcome === "undeletable") {
            const reason = "GitHub refuses to delete a public package with a version over 5,000 downloads; only GitHub Support can.";
            return state(wanted, current, "undeletable", reason, "none");
        }
        await catalog.remember(wanted, undefined);
        return state(wanted, current, "absent", null, "deleted");
    }

    private services(): { api: PackagesApi; catalog: PackageCatalog } {
        const config = resolveClientConfig(this.lookup);
        const key = JSON.stringify(config);
        if (this.session?.key !== key) {
            const api = new PackagesApi(clientFor(config));
            this.session = { key, api, catalog: new PackageCatalog(api) };
        }
        return this.session;
    }
}

function state(
    inputs: Required<OrgPackageInputs>,
    fields: Partial<PackageFields> | undefined,
    status: PackageStatus,
    statusReason: string | null,
    lastAction: PackageAction,
): OrgPackageState {
    const known: Partial<PackageFields> = {};
    for (const key of FIELD_KEYS) {
        if (fields?.[key] !== undefined) {
            (known as Record<string, unknown>)[key] = fields[key];
        }
    }
    return { ...inputs, ...known, status, statusReason, lastAction };
}

const FIELD_KEYS: readonly (keyof PackageFields)[] = [
    "packageId",
    "name",
    "visibility",
    "versionCount",
    "url",
    "htmlUrl",
    "ownerLogin",
    "repository",
    "createdAt",
    "updatedAt",
];

function pickInputs(props: OrgPackageState): Required<OrgPackageInputs> {
    return withDefaults(props);
}

function drifted(olds: OrgPackageState, wanted: Required<OrgPackageInputs>): boolean {
    if (wanted.ensure === "present") {
        return olds.status !== "present";
    }
    if (olds.status === "undeletable") {
        return olds.visibility !== "public";
    }
    return olds.status === "present";
}

function sameIdentity(key: keyof PackageRef, old: unknown, wanted: unknown): boolean {
    return key === "org" && typeof old === "string" && typeof wanted === "string" ? old.toLowerCase() === wanted.toLowerCase() : old === wanted;
}

function samePackage(a: PackageRef, b: PackageRef): boolean {
    return IDENTITY.every((k) => sameIdentity(k, a[k], b[k]));
}

function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
