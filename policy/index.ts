/**
 * A CrossGuard policy pack for stacks that manage GitHub organization packages:
 *
 *     pulumi preview --policy-pack ./policy [--policy-pack-config policy-config.json]
 *
 * - `protected-packages` (mandatory): a package listed as protected is never deleted.
 * - `no-public-packages-without-repository` (mandatory): a public package links a repository.
 * - `stale-packages` (advisory): packages kept present but not updated for `maxIdleDays`.
 */
import { PolicyPack, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import picomatch from "picomatch";

/** The type token of OrgPackage resources in state. */
export const ORG_PACKAGE_TYPE = "pulumi-nodejs:dynamic/github-packages:OrgPackage";

/** The properties of an OrgPackage the policies read (inputs, and outputs once known). */
interface OrgPackageProps {
    org: string;
    packageType: string;
    packageName: string;
    ensure?: string;
    deleteOnDestroy?: boolean;
    visibility?: string;
    repository?: string | null;
    updatedAt?: string;
}

function label(props: OrgPackageProps): string {
    return `${props.org}/${props.packageType}/${props.packageName}`;
}

function orgPackages(args: StackValidationArgs): OrgPackageProps[] {
    return args.resources.filter((r) => r.type === ORG_PACKAGE_TYPE).map((r) => r.props as OrgPackageProps);
}

/** Policy config: globs over `type/name` of packages that must never be deleted. */
interface ProtectedConfig {
    packages: string[];
}

/** Policy config: how many days without an update make a package stale. */
interface StaleConfig {
    maxIdleDays: number;
}

new PolicyPack("github-packages", {
    policies: [
        {
            name: "protected-packages",
            description: "Packages listed as protected are never deleted (no ensure: absent, no deleteOnDestroy).",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: {
                    packages: { type: "array", items: { type: "string" }, default: [] },
                },
            },
            validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
                if (args.type !== ORG_PACKAGE_TYPE) {
                    return;
                }
                const props = args.props as OrgPackageProps;
                const globs = args.getConfig<ProtectedConfig>().packages;
                if (globs.length === 0 || !picomatch(globs, { dot: true })(`${props.packageType}/${props.packageName}`)) {
                    return;
                }
                if (props.ensure === "absent") {
                    reportViolation(`${label(props)} is protected and must not be declared ensure: "absent".`);
                } else if (props.deleteOnDestroy) {
                    reportViolation(`${label(props)} is protected; deleteOnDestroy must stay false.`);
                }
            },
        },
        {
            name: "no-public-packages-without-repository",
            description: "A public package must be linked to a repository, so its source and owners are known.",
            enforcementLevel: "mandatory",
            validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
                for (const props of orgPackages(args)) {
                    if (props.ensure !== "absent" && props.visibility === "public" && !props.repository) {
                        reportViolation(`${label(props)} is public but linked to no repository; link one, make it private, or declare it absent.`);
                    }
                }
            },
        },
        {
            name: "stale-packages",
            description: "Packages kept present that have not been updated for a long time.",
            enforcementLevel: "advisory",
            configSchema: {
                properties: {
                    maxIdleDays: { type: "integer", minimum: 1, default: 180 },
                },
            },
            validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
                const { maxIdleDays } = args.getConfig<StaleConfig>();
                const now = Date.now();
                for (const props of orgPackages(args)) {
                    const updated = props.updatedAt ? Date.parse(props.updatedAt) : Number.NaN;
                    const idleDays = Math.floor((now - updated) / 86_400_000);
                    if (props.ensure !== "absent" && idleDays > maxIdleDays) {
                        reportViolation(`${label(props)} has not been updated for ${idleDays} days (more than ${maxIdleDays}); consider a cleanup rule.`);
                    }
                }
            },
        },
    ],
});
