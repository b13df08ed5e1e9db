import * as pulumi from "@pulumi/pulumi";
import type { Ensure, PackageAction, PackageStatus, PackageType, StoredBaseline, UndeletableAction, Visibility } from "../provider/shared/types";
import { assertUncontested, declarePackage, pendingDeclaration, settled } from "./declarations";
import orgPackageShim = require("./shim");

/** The arguments of an {@link OrgPackage}. */
export interface OrgPackageArgs {
    /** The organization's login, e.g. `acme`. */
    org: pulumi.Input<string>;
    /** The registry: npm, maven, rubygems, docker, nuget or container. */
    packageType: pulumi.Input<PackageType>;
    /** The package's name as GitHub shows it; container names may contain `/`. */
    packageName: pulumi.Input<string>;
    /** `present` (default) adopts the package; `absent` deletes it on `pulumi up`. */
    ensure?: pulumi.Input<Ensure>;
    /** Restore the package on `pulumi up` when it was deleted within the last 30 days. Defaults to false. */
    restoreIfDeleted?: pulumi.Input<boolean>;
    /** Delete the package when the resource is destroyed or leaves the program. Defaults to false: the package stays. */
    deleteOnDestroy?: pulumi.Input<boolean>;
    /** When GitHub refuses a delete (public, a version over 5,000 downloads): `fail` (default) or `report` it as status `undeletable`. */
    onUndeletable?: pulumi.Input<UndeletableAction>;
    /** Why the stack declares this package, e.g. the cleanup rule that matched; kept in state and shown in previews. */
    reason?: pulumi.Input<string>;
    /** The visibility the package must have: `pulumi up` fails, linking the package's settings, while GitHub shows another. */
    expectedVisibility?: pulumi.Input<Visibility>;
    /** Whether versions published or deleted are drift (`versionCount`, `updatedAt`). Defaults to true; set false when the stack's own retention deletes its versions, or CI publishes often. */
    watchVersions?: pulumi.Input<boolean>;
}

/** The module and type names an {@link OrgPackage} registers with; the engine prefixes the dynamic provider's package. */
const MODULE = "github-packages";
const TYPE = "OrgPackage";

/** The type token of {@link OrgPackage} resources in state and in policy packs. */
export const ORG_PACKAGE_TYPE = `pulumi-nodejs:dynamic/${MODULE}:${TYPE}`;

/**
 * A package of a GitHub organization, managed by Pulumi. Packages are created by publishing
 * (`npm publish`, `docker push`, ...), so this resource adopts a package that exists, deletes
 * it when `ensure` is `absent`, restores it when asked, and shows drift on `pulumi refresh`.
 */
export class OrgPackage extends pulumi.dynamic.Resource {
    /** The organization's login. */
    declare public readonly org: pulumi.Output<string>;
    /** The registry. */
    declare public readonly packageType: pulumi.Output<PackageType>;
    /** The package's name. */
    declare public readonly packageName: pulumi.Output<string>;
    /** The desired state. */
    declare public readonly ensure: pulumi.Output<Ensure>;
    /** The visibility the stack expects, when declared. */
    declare public readonly expectedVisibility: pulumi.Output<Visibility | undefined>;
    /** Whether `pulumi up` restores the package when it is missing. */
    declare public readonly restoreIfDeleted: pulumi.Output<boolean>;
    /** Whether destroying the resource deletes the package. */
    declare public readonly deleteOnDestroy: pulumi.Output<boolean>;
    /** What a refused delete does. */
    declare public readonly onUndeletable: pulumi.Output<UndeletableAction>;
    /** Why the stack declares this package. */
    declare public readonly reason: pulumi.Output<string>;
    /** false when versions published or deleted are not drift; unset (true) otherwise. */
    declare public readonly watchVersions: pulumi.Output<false | undefined>;
    /** GitHub's numeric id of the package. */
    declare public readonly packageId: pulumi.Output<number | undefined>;
    /** Who can see the package. */
    declare public readonly visibility: pulumi.Output<Visibility | undefined>;
    /** How many versions the package has. */
    declare public readonly versionCount: pulumi.Output<number | undefined>;
    /** The package's page on GitHub. */
    declare public readonly htmlUrl: pulumi.Output<string | undefined>;
    /** The linked repository's full name, or null. */
    declare public readonly repository: pulumi.Output<string | null | undefined>;
    /** When the package was created. */
    declare public readonly createdAt: pulumi.Output<string | undefined>;
    /** When the package was last updated. */
    declare public readonly updatedAt: pulumi.Output<string | undefined>;
    /** `present`, `absent` or `undeletable`, as the provider last found it. */
    declare public readonly status: pulumi.Output<PackageStatus>;
    /** Why the status is what it is, when GitHub said so. */
    declare public readonly statusReason: pulumi.Output<string | null>;
    /** The last change the provider made: adopted, restored, deleted or none. */
    declare public readonly lastAction: pulumi.Output<PackageAction>;
    /** Drift's old side: the values the stack last accepted (id, visibility, repository, version count, update time) that GitHub no longer shows; `{}` when the package is as accepted, null when the stack accepted none. */
    declare public readonly baseline: pulumi.Output<StoredBaseline | null | undefined>;

    /**
     * Manages the package `args.packageName` of `args.org`.
     * @param name The Pulumi resource name.
     * @param args Which package and how to manage it.
     * @param opts Pulumi resource options.
     */
    constructor(name: string, args: OrgPackageArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            orgPackageShim,
            name,
            {
                ...args,
                packageName: owned(name, args),
                packageId: undefined,
                visibility: undefined,
                versionCount: undefined,
                htmlUrl: undefined,
                repository: undefined,
                createdAt: undefined,
                updatedAt: undefined,
                status: undefined,
                statusReason: undefined,
                lastAction: undefined,
                baseline: undefined,
            },
            opts,
            MODULE,
            TYPE,
        );
    }
}

/**
 * The package name, once this resource is recorded as the package's one declaration in the
 * run: at once for plain values, else when the Outputs resolve (a second declaration then
 * fails this resource's registration, naming both). A resource that deletes
 * (`ensure: "absent"`) also waits for the declarations still pending, and fails when one of
 * them declares the same package.
 */
function owned(resource: string, args: OrgPackageArgs): pulumi.Input<string> {
    const owner = {};
    const { org, packageType, packageName, ensure } = args;
    const declare = (ref: { org: string; packageType: PackageType; packageName: string }, wanted: Ensure | undefined): string => {
        declarePackage(ref, { resource, owner, ensure: wanted ?? "present" });
        return ref.packageName;
    };
    const gate = (ref: { org: string; packageType: PackageType; packageName: string }, wanted: Ensure | undefined): Promise<string> =>
        wanted === "absent"
            ? settled().then(() => {
                  assertUncontested(ref, { resource, owner, ensure: wanted });
                  return ref.packageName;
              })
            : Promise.resolve(ref.packageName);
    if (typeof org === "string" && typeof packageType === "string" && typeof packageName === "string" && (ensure === undefined || typeof ensure === "string")) {
        declare({ org, packageType, packageName }, ensure);
        return ensure === "absent" ? gate({ org, packageType, packageName }, ensure) : packageName;
    }
    // Pending until the declaration is made, not until the gate opens: the gate of an absent package waits for the
    // pending declarations, its own included, so tracking the gated result would wait forever.
    let made!: () => void;
    const declaration = new Promise<void>((resolve) => (made = resolve));
    const resolved = pulumi.all([org, packageType, packageName, ensure]).apply(([o, t, n, e]) => {
        const ref = { org: o, packageType: t, packageName: n };
        try {
            declare(ref, e);
        } finally {
            made();
        }
        return gate(ref, e);
    });
    // `isKnown` settles when the apply is skipped for unknown values (preview), so nothing waits forever.
    const isKnown = (resolved as unknown as { isKnown?: Promise<boolean> }).isKnown ?? Promise.resolve(true);
    pendingDeclaration(Promise.race([declaration, isKnown]));
    return resolved;
}
