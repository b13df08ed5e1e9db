/**
 * The CrossGuard policy pack `github-packages`, for stacks that manage GitHub organization
 * packages. It ships compiled in the npm package (`dist/policy`, run through `policy/`):
 *
 *     npm install pulumi-github-packages @pulumi/policy
 *     pulumi preview --policy-pack node_modules/pulumi-github-packages/policy [--policy-pack-config policy-config.json]
 *
 * - `protected-packages` (mandatory, a resource policy: it runs before the engine acts on each
 *   resource, also under `pulumi up --skip-preview` and the Automation API's `up`): the program
 *   declares no protected package for deletion, and the provider's own protect list
 *   (`github-packages:protect`) covers every protected glob, because this pack only sees
 *   resources still in the program.
 * - `no-public-packages-without-repository` (mandatory): a public package links a repository.
 * - `stale-packages` (advisory): packages kept present but not updated for `maxIdleDays`.
 * - `retention-guardrails` (mandatory): every version retention has a bounded cap, keeps its
 *   newest versions, deletes no whole package, and selects no protected tag.
 *
 * The logic is in `rules.ts`; see docs/policy.md.
 */
import { PolicyPack, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import {
    canDelete,
    checkConfig,
    Finding,
    PROTECTED_CONFIG,
    protectedPackageFindings,
    ProtectedConfig,
    publicWithoutRepository,
    RETENTION_GUARDRAILS_CONFIG,
    RETENTION_GUARDRAILS_DEFAULTS,
    RetentionGuardrailsConfig,
    RETENTION_TYPE,
    retentionViolations,
    SeenResource,
    STALE_CONFIG,
    STACK_TYPE,
    StaleConfig,
    stalePackages,
} from "./rules";

function report(findings: readonly Finding[], reportViolation: ReportViolation): void {
    for (const { message, urn } of findings) {
        reportViolation(message, urn);
    }
}

function seen(args: StackValidationArgs): SeenResource[] {
    return args.resources.map((r) => ({ type: r.type, urn: r.urn, props: r.props as Record<string, unknown> }));
}

new PolicyPack("github-packages", {
    policies: [
        {
            name: "protected-packages",
            description:
                "Packages matching the protected type/name globs are not declared for deletion (ensure: absent, deleteOnDestroy) by the program, " +
                "and the provider's protect list (github-packages:protect) covers every glob. CrossGuard sees only resources still in the program; " +
                "the provider's list is what stops the deletion of a resource dropped from the program, or of a destroy.",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: {
                    packages: { type: "array", items: { type: "string" }, default: [] },
                },
            },
            // A resource policy, not a stack policy: the engine runs resource policies before it acts on each resource
            // (a mandatory violation stops the update there), stack policies only after every step, deletions included.
            // See docs/policy.md, "Which policy runs when".
            validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
                const resource: SeenResource = { type: args.type, urn: args.urn, props: args.props as Record<string, unknown> };
                const config = args.getConfig<ProtectedConfig>();
                const problems = checkConfig("protected-packages", config, PROTECTED_CONFIG);
                if (problems.length > 0) {
                    // Once, on the stack (registered first), and on every resource that can delete: a broken config fails closed.
                    if (args.type === STACK_TYPE || canDelete(resource)) {
                        report(problems.map((message) => ({ message: `Policy config error: ${message}` })), reportViolation);
                    }
                    return;
                }
                const provider = args.provider ? { type: args.provider.type, urn: args.provider.urn, props: args.provider.props as Record<string, unknown> } : undefined;
                report(protectedPackageFindings(resource, provider, config.packages), reportViolation);
            },
        },
        {
            name: "no-public-packages-without-repository",
            description: "A public package must be linked to a repository, so its source and owners are known.",
            enforcementLevel: "mandatory",
            validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
                report(publicWithoutRepository(seen(args)), reportViolation);
            },
        },
        {
            name: "stale-packages",
            description: "Packages kept present that have not been updated for maxIdleDays days (default 180).",
            enforcementLevel: "advisory",
            configSchema: {
                properties: {
                    maxIdleDays: { type: "integer", minimum: 1, default: 180 },
                },
            },
            validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
                const config = args.getConfig<StaleConfig>();
                const problems = checkConfig("stale-packages", config, STALE_CONFIG);
                if (problems.length > 0) {
                    report(problems.map((message) => ({ message: `Policy config error: ${message}` })), reportViolation);
                    return;
                }
                report(stalePackages(seen(args), config.maxIdleDays, Date.now()), reportViolation);
            },
        },
        {
            name: "retention-guardrails",
            description:
                "Every PackageVersionRetention sets maxDeletions (at most maxDeletions, or maxPercent %), keeps at least one version by count, " +
                "deletes no whole package unless allowDeletePackage, and no tagged rule selects a protected tag (latest, releases).",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: {
                    maxDeletions: { type: "integer", minimum: 1, default: RETENTION_GUARDRAILS_DEFAULTS.maxDeletions },
                    maxPercent: { type: "number", exclusiveMinimum: 0, maximum: 100, default: RETENTION_GUARDRAILS_DEFAULTS.maxPercent },
                    protectedTags: { type: "array", items: { type: "string" }, default: RETENTION_GUARDRAILS_DEFAULTS.protectedTags },
                    allowDeletePackage: { type: "boolean", default: RETENTION_GUARDRAILS_DEFAULTS.allowDeletePackage },
                },
            },
            // A resource policy: it runs when the retention is registered, before its provider deletes anything,
            // also under `pulumi up --skip-preview` (a stack policy would run after the deletions).
            validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
                if (args.type !== RETENTION_TYPE) {
                    return;
                }
                const config = { ...RETENTION_GUARDRAILS_DEFAULTS, ...args.getConfig<Partial<RetentionGuardrailsConfig>>() };
                const problems = checkConfig("retention-guardrails", config, RETENTION_GUARDRAILS_CONFIG);
                if (problems.length > 0) {
                    report(problems.map((message) => ({ message: `Policy config error: ${message}` })), reportViolation);
                    return;
                }
                report(retentionViolations([{ type: args.type, urn: args.urn, props: args.props as Record<string, unknown> }], config), reportViolation);
            },
        },
    ],
});
