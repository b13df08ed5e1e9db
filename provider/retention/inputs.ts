/**
 * The retention's inputs checked before any call: unknown field names, the package reference,
 * the policy (with the registry's rules), `restore` and `planOutput`. A value not known yet in a preview is
 * checked at `up`; an unknown field name fails at once.
 */
import { checkRef, describeValue, InputFailure, isRecord, parsePackageKey, UNKNOWN_VALUE, unknownFields } from "../shared/validate";
import { checkRetentionPolicy } from "./policy";
import { PLAN_OUTPUTS, RETENTION_INPUTS, RETENTION_OUTPUTS, VersionRetentionInputs } from "./state";

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
    if (!known.has("planOutput")) {
        failures.push(...checkPlanOutput(input.planOutput));
    }
    const prefetch = input.prefetch;
    if (prefetch !== undefined && !known.has("prefetch") && !(Array.isArray(prefetch) && prefetch.every(isPackageKey))) {
        failures.push({
            property: "prefetch",
            reason: `prefetch is set by VersionRetention: a list of "type/name" package keys such as "container/api", got ${describeValue(prefetch)}. Leave it out.`,
        });
    }
    return failures;
}

/** Checks `planOutput` (a retention's input, and `VersionRetention`'s argument): absent, "compact" or "full". */
export function checkPlanOutput(planOutput: unknown): InputFailure[] {
    if (planOutput === undefined || (PLAN_OUTPUTS as readonly unknown[]).includes(planOutput)) {
        return [];
    }
    return [
        {
            property: "planOutput",
            reason: `planOutput must be "compact" (the default) or "full" (the plan output also keeps the kept and blocked lists), got ${describeValue(planOutput)}.`,
        },
    ];
}

/** True for a `type/name` key of a package, e.g. `container/api`. */
function isPackageKey(key: unknown): boolean {
    try {
        return typeof key === "string" && parsePackageKey(key) !== undefined;
    } catch {
        return false;
    }
}

/** True when an input that names the package, the policy or the restore is not known yet (a preview). */
export function hasUnknown(news: VersionRetentionInputs): boolean {
    return (["org", "packageType", "packageName", "policy", "restore"] as const).some((k) => containsUnknown(news[k]));
}

/** True when `value` is, or holds at any depth, a value the engine does not know yet. */
function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN_VALUE) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    return isRecord(value) && Object.values(value).some(containsUnknown);
}
