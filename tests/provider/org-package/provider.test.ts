import { strict as assert } from "node:assert";
import type { Emulator, PackageKey } from "../../../emulator";
import { OrgPackageProvider } from "../../../provider/org-package/provider";
import { OrgPackageInputs, OrgPackageState } from "../../../provider/shared/types";
import { startDemo, TOKENS } from "../../emulator/support";
import { providerFor, rejection } from "../../support/provider";

const gateway: OrgPackageInputs = { org: "acme", packageType: "container", packageName: "platform/api-gateway" };
const widgets: OrgPackageInputs = { org: "acme", packageType: "npm", packageName: "widgets" };
const stale: OrgPackageInputs = { org: "acme", packageType: "docker", packageName: "legacy-service" };
const recentlyDeleted: OrgPackageInputs = { org: "acme", packageType: "npm", packageName: "old-dashboard" };
const longDeleted: OrgPackageInputs = { org: "acme", packageType: "maven", packageName: "com.acme.legacy-auth" };

function key(ref: OrgPackageInputs): PackageKey {
    return { org: ref.org, packageType: ref.packageType, name: ref.packageName };
}

/** Whether the emulator has the package active, read through its admin interface (not the provider). */
function exists(emulator: Emulator, ref: OrgPackageInputs): boolean {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === ref.org);
    return !!org?.packages?.some((p) => p.name === ref.packageName && p.packageType === ref.packageType && !p.deletedAt);
}

/** The GitHub id of the active package under the name, read through the admin interface. */
function idOf(emulator: Emulator, ref: OrgPackageInputs): number | undefined {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === ref.org);
    return org?.packages?.find((p) => p.name === ref.packageName && p.packageType === ref.packageType && !p.deletedAt)?.id;
}

function count(emulator: Emulator, operation: string): number {
    return emulator.admin.requests().counts[operation] ?? 0;
}

describe("provider/org-package/provider", () => {
    let emulator: Emulator;
    let provider: OrgPackageProvider;

    beforeEach(async () => {
        emulator = await startDemo();
        provider = await providerFor(emulator, TOKENS.admin);
    });

    afterEach(() => emulator.close());

    describe("create", () => {
        it("adopts an existing package, nested container name included", async () => {
            const { id, outs } = await provider.create(gateway);
            assert.equal(id, "acme/container/platform/api-gateway");
            assert.equal(outs?.status, "present");
            assert.equal(outs?.lastAction, "adopted");
            assert.equal(outs?.htmlUrl, "https://github.com/orgs/acme/packages/container/package/platform%2Fapi-gateway");
            assert.equal(outs?.visibility, "private");
            assert.equal(outs?.repository, "acme/platform");
            assert.equal(outs?.versionCount, 2);
            assert.equal(typeof outs?.packageId, "number");
            assert.equal(outs?.ensure, "present", "defaults are applied");
            assert.equal(count(emulator, "packages/delete-package-for-org"), 0);
        });

        it("refuses to adopt a package that does not exist, saying how packages come to be", async () => {
            const error = await rejection(provider.create({ ...widgets, packageName: "never-published" }));
            assert.match(error.message, /package acme\/npm\/never-published does not exist/i);
            assert.match(error.message, /publish/);
        });

        it("restores a package deleted within 30 days when asked", async () => {
            assert.equal(exists(emulator, recentlyDeleted), false);
            const { outs } = await provider.create({ ...recentlyDeleted, restoreIfDeleted: true });
            assert.equal(outs?.status, "present");
            assert.equal(outs?.lastAction, "restored");
            assert.equal(exists(emulator, recentlyDeleted), true);
        });

        it("fails clearly when the restore window has passed", async () => {
            const error = await rejection(provider.create({ ...longDeleted, restoreIfDeleted: true }));
            assert.match(error.message, /acme\/maven\/com\.acme\.legacy-auth/);
            assert.match(error.message, /30 days/);
            assert.equal(exists(emulator, longDeleted), false);
        });

        it("deletes a package declared absent", async () => {
            const { outs } = await provider.create({ ...stale, ensure: "absent" });
            assert.equal(outs?.status, "absent");
            assert.equal(outs?.lastAction, "deleted");
            assert.equal(typeof outs?.packageId, "number", "the last known fields are kept");
            assert.equal(exists(emulator, stale), false);
        });

        it("does nothing for a package declared absent that is already gone", async () => {
            const { outs } = await provider.create({ ...longDeleted, ensure: "absent" });
            assert.equal(outs?.status, "absent");
            assert.equal(outs?.lastAction, "none");
            assert.equal(count(emulator, "packages/delete-package-for-org"), 0);
        });

        it("fails on GitHub's 5,000-downloads refusal and leaves the package", async () => {
            const error = await rejection(provider.create({ ...widgets, ensure: "absent" }));
            assert.match(error.message, /acme\/npm\/widgets/);
            assert.match(error.message, /5,000 downloads/);
            assert.equal(exists(emulator, widgets), true);
        });

        it("reports the refusal as status undeletable when onUndeletable is report", async () => {
            const { outs } = await provider.create({ ...widgets, ensure: "absent", onUndeletable: "report" });
            assert.equal(outs?.status, "undeletable");
            assert.match(outs?.statusReason ?? "", /5,000 downloads/);
            assert.equal(exists(emulator, widgets), true);
        });

        it("names the missing scope when the token may not delete", async () => {
            const reader = await providerFor(emulator, TOKENS.noDelete);
            const error = await rejection(reader.create({ ...stale, ensure: "absent" }));
            assert.match(error.message, /acme\/docker\/legacy-service/);
            assert.match(error.message, /delete:packages/);
            assert.equal(exists(emulator, stale), true);
        });
    });

    describe("read", () => {
        async function adopted(ref: OrgPackageInputs): Promise<{ id: string; outs: OrgPackageState }> {
            const { id, outs } = await provider.create(ref);
            return { id, outs: outs as OrgPackageState };
        }

        it("shows out-of-band changes: visibility flipped, version published", async () => {
            const { id, outs } = await adopted(gateway);
            emulator.admin.setVisibility(key(gateway), "public");
            emulator.admin.publishVersion(key(gateway), { name: "sha256:" + "e".repeat(64) });
            const fresh = await providerFor(emulator, TOKENS.admin);
            const result = await fresh.read(id, outs);
            assert.equal(result.id, id);
            assert.equal(result.props?.visibility, "public");
            assert.equal(result.props?.versionCount, 3);
            assert.equal(result.props?.status, "present");
        });

        it("drops a present package deleted out of band (GitHub said 404)", async () => {
            const { id, outs } = await adopted(gateway);
            emulator.admin.deletePackage(key(gateway));
            const result = await (await providerFor(emulator, TOKENS.admin)).read(id, outs);
            assert.equal(result.id, undefined);
        });

        it("keeps an absent package absent", async () => {
            const { id, outs } = await provider.create({ ...stale, ensure: "absent" });
            const result = await (await providerFor(emulator, TOKENS.admin)).read(id, outs as OrgPackageState);
            assert.equal(result.id, id);
            assert.equal(result.props?.status, "absent");
        });

        it("sees a package declared absent that came back", async () => {
            const { id, outs } = await provider.create({ ...stale, ensure: "absent" });
            emulator.admin.publishPackage("acme", { name: stale.packageName, packageType: stale.packageType });
            const result = await (await providerFor(emulator, TOKENS.admin)).read(id, outs as OrgPackageState);
            assert.equal(result.props?.status, "present");
            const diff = await provider.diff(id, result.props as OrgPackageState, { ...stale, ensure: "absent" });
            assert.equal(diff.changes, true, "the next up deletes it again");
        });

        it("never calls a package gone on 5xx: the refresh fails and state stays", async () => {
            const { id, outs } = await adopted(gateway);
            emulator.admin.addFault({ kind: "error", status: 502 });
            const error = await rejection((await providerFor(emulator, TOKENS.admin)).read(id, outs));
            assert.match(error.message, /acme\/container\/platform\/api-gateway/);
            assert.match(error.message, /502/);
        });

        it("never calls a package gone on a bad token", async () => {
            const { id, outs } = await adopted(gateway);
            const error = await rejection((await providerFor(emulator, "ghp_not_a_real_token")).read(id, outs));
            assert.match(error.message, /401/);
            assert.match(error.message, /github-packages:token/);
            assert.ok(!error.message.includes("ghp_not_a_real_token"), "the token is not in the message");
        });

        it("retries a transient 5xx, a timeout and a reset, then reads", async () => {
            const { id, outs } = await adopted(gateway);
            for (const kind of ["error", "timeout", "reset"] as const) {
                emulator.admin.clearFaults();
                emulator.admin.addFault({ kind, nth: 1, times: 1 });
                const result = await (await providerFor(emulator, TOKENS.admin)).read(id, outs);
                assert.equal(result.props?.status, "present", `after a ${kind}`);
            }
        });

        it("waits out a secondary rate limit and reads", async () => {
            const { id, outs } = await adopted(gateway);
            emulator.admin.addFault({ kind: "secondary-rate-limit", nth: 1, times: 1, retryAfterSeconds: 1 });
            const result = await (await providerFor(emulator, TOKENS.admin)).read(id, outs);
            assert.equal(result.props?.status, "present");
            const faults = emulator.admin.faults();
            assert.equal(faults[0].matched >= 1, true);
        });

        it("fails clearly when the primary rate limit is exhausted", async () => {
            const { id, outs } = await adopted(gateway);
            emulator.admin.setRateLimit(TOKENS.admin, { remaining: 0 });
            const error = await rejection((await providerFor(emulator, TOKENS.admin)).read(id, outs));
            assert.match(error.message, /rate limit/i);
        });

        it("reads a package by id alone (import)", async () => {
            const result = await provider.read("acme/container/platform/api-gateway");
            assert.equal(result.props?.packageName, "platform/api-gateway");
            assert.deepEqual(result.props?.baseline, {}, "an import accepts what GitHub shows");
            assert.equal(result.inputs?.ensure, "present");
        });
    });

    describe("delete", () => {
        it("leaves the package on GitHub unless deleteOnDestroy is set", async () => {
            const { id, outs } = await provider.create(stale);
            await provider.delete(id, outs as OrgPackageState);
            assert.equal(exists(emulator, stale), true);
            assert.equal(count(emulator, "packages/delete-package-for-org"), 0);
        });

        it("deletes the package when deleteOnDestroy is set (a later run, another provider process)", async () => {
            const { id, outs } = await provider.create({ ...stale, deleteOnDestroy: true });
            const later = await providerFor(emulator, TOKENS.admin);
            await later.delete(id, outs as OrgPackageState);
            assert.equal(exists(emulator, stale), false);
        });

        it("fails on a refused delete, so the engine keeps the resource", async () => {
            const { id, outs } = await provider.create({ ...widgets, deleteOnDestroy: true });
            const later = await providerFor(emulator, TOKENS.admin);
            const error = await rejection(later.delete(id, outs as OrgPackageState));
            assert.match(error.message, /5,000 downloads/);
            assert.equal(exists(emulator, widgets), true);
        });
    });

    describe("identity: a package is its GitHub id", () => {
        it("never deletes a package that took the name after the adopted one was deleted", async () => {
            const { id, outs } = await provider.create({ ...stale, deleteOnDestroy: true });
            emulator.admin.deletePackage(key(stale));
            const newcomer = emulator.admin.publishPackage("acme", { name: stale.packageName, packageType: stale.packageType, visibility: "public" });
            assert.notEqual(newcomer.id, (outs as OrgPackageState).packageId);
            const later = await providerFor(emulator, TOKENS.admin);
            await later.delete(id, outs as OrgPackageState);
            assert.equal(idOf(emulator, stale), newcomer.id, "the newcomer is still there");
            assert.equal(count(emulator, "packages/delete-package-for-org"), 0);
        });

        it("a refresh that finds another id under the name reports status replaced and keeps the adopted id as baseline", async () => {
            const { id, outs } = await provider.create(stale);
            const adopted = (outs as OrgPackageState).packageId;
            emulator.admin.deletePackage(key(stale));
            const newcomer = emulator.admin.publishPackage("acme", { name: stale.packageName, packageType: stale.packageType });
            const later = await providerFor(emulator, TOKENS.admin);
            const read = await later.read(id, outs as OrgPackageState);
            assert.equal(read.props?.status, "replaced");
            assert.equal(read.props?.packageId, newcomer.id);
            assert.equal(read.props?.baseline?.packageId, adopted);
            assert.match(String(read.props?.statusReason), new RegExp(`id ${newcomer.id}`));
            const diff = await later.diff(id, read.props!, stale);
            assert.equal(diff.changes, true);
            assert.deepEqual(diff.replaces, ["packageId"], "adopting the newcomer is a visible replace, never a silent update");
            const destroyOld = await providerFor(emulator, TOKENS.admin);
            await destroyOld.delete(id, { ...read.props!, deleteOnDestroy: true });
            assert.equal(idOf(emulator, stale), newcomer.id, "the replace's delete leaves the newcomer alone");
        });

        it("a rename in one run (create the new resource, then delete the old) keeps the package", async () => {
            const old = await providerFor(emulator, TOKENS.admin);
            const { id, outs } = await old.create({ ...stale, deleteOnDestroy: true });
            const run = await providerFor(emulator, TOKENS.admin);
            await run.create({ ...stale, deleteOnDestroy: true });
            await run.delete(id, outs as OrgPackageState);
            assert.equal(exists(emulator, stale), true);
            assert.equal(count(emulator, "packages/delete-package-for-org"), 0);
        });

        it("a rename whose first up failed before its deletes keeps the package on the next up (diff claims it)", async () => {
            const { id, outs } = await provider.create({ ...stale, deleteOnDestroy: true });
            const nextRun = await providerFor(emulator, TOKENS.admin);
            // The renamed resource is in state already and needs no update: the engine only diffs it.
            const diff = await nextRun.diff(id, outs as OrgPackageState, { ...stale, deleteOnDestroy: true });
            assert.equal(diff.changes, false);
            await nextRun.delete(id, outs as OrgPackageState);
            assert.equal(exists(emulator, stale), true);
            assert.equal(count(emulator, "packages/delete-package-for-org"), 0);
        });

        it("an up without refresh never adopts a package that took the name silently", async () => {
            const { id, outs } = await provider.create({ ...stale, deleteOnDestroy: true });
            emulator.admin.deletePackage(key(stale));
            const newcomer = emulator.admin.publishPackage("acme", { name: stale.packageName, packageType: stale.packageType });
            const nextRun = await providerFor(emulator, TOKENS.admin);
            const error = await rejection(nextRun.update(id, outs as OrgPackageState, { ...stale, deleteOnDestroy: true, reason: "changed" }));
            assert.match(error.message, new RegExp(`now a different package \\(GitHub id ${newcomer.id}; the stack adopted ${(outs as OrgPackageState).packageId}`));
            assert.match(error.message, /pulumi refresh/);
            assert.equal(idOf(emulator, stale), newcomer.id);
        });

        it("an absent resource that never saw a package takes no baseline from one published later, so destroy leaves it", async () => {
            const { id, outs } = await provider.create({ ...stale, packageName: "never-there", ensure: "absent", deleteOnDestroy: true });
            assert.equal(outs?.baseline, null, "the stack accepted no package");
            const newcomer = emulator.admin.publishPackage("acme", { name: "never-there", packageType: "docker" });
            const nextRun = await providerFor(emulator, TOKENS.admin);
            const read = await nextRun.read(id, outs as OrgPackageState);
            assert.equal(read.props?.status, "present");
            assert.equal(read.props?.baseline, null, "no invented baseline");
            const destroyRun = await providerFor(emulator, TOKENS.admin);
            await destroyRun.delete(id, read.props!);
            assert.equal(idOf(emulator, { ...stale, packageName: "never-there" }), newcomer.id);
        });

        it("a change of case in the name is the same package: an update, not a replace", async () => {
            const { id, outs } = await provider.create(gateway);
            const diff = await provider.diff(id, outs as OrgPackageState, { ...gateway, packageName: "Platform/API-Gateway" });
            assert.deepEqual(diff.replaces, []);
        });

        it("refuses ensure: absent for a package another resource of the run keeps present", async () => {
            await provider.create(stale);
            const error = await rejection(provider.create({ ...stale, ensure: "absent" }));
            assert.match(error.message, /declared absent here and present by acme\/docker\/legacy-service/);
            assert.equal(exists(emulator, stale), true);
        });
    });

    describe("protection the provider enforces (github-packages:protect)", () => {
        const protect = { protect: JSON.stringify(["docker/legacy-*", "container/platform/**"]) };

        it("refuses deleteOnDestroy and ensure: absent for a protected package, before any delete", async () => {
            const guarded = await providerFor(emulator, TOKENS.admin, protect);
            const { id, outs } = await provider.create({ ...stale, deleteOnDestroy: true });
            const destroy = await rejection(guarded.delete(id, outs as OrgPackageState));
            assert.match(destroy.message, /protected by "docker\/legacy-\*"/);
            const absent = await rejection(guarded.create({ ...gateway, ensure: "absent" }));
            assert.match(absent.message, /protected by "container\/platform\/\*\*"/);
            assert.equal(exists(emulator, stale), true);
            assert.equal(exists(emulator, gateway), true);
            assert.equal(count(emulator, "packages/delete-package-for-org"), 0);
        });

        it("matches case-insensitively and reads GITHUB_PACKAGES_PROTECT too", async () => {
            process.env.GITHUB_PACKAGES_PROTECT = JSON.stringify(["DOCKER/Legacy-Service"]);
            try {
                const guarded = await providerFor(emulator, TOKENS.admin);
                const error = await rejection(guarded.create({ ...stale, ensure: "absent" }));
                assert.match(error.message, /protected/);
            } finally {
                delete process.env.GITHUB_PACKAGES_PROTECT;
            }
            assert.equal(exists(emulator, stale), true);
        });

        it("refuses every delete while the protect list is malformed (fails closed)", async () => {
            for (const bad of ["npm/x", '["legacy-*"]', '"docker/*"']) {
                const guarded = await providerFor(emulator, TOKENS.admin, { protect: bad });
                const error = await rejection(guarded.create({ ...stale, ensure: "absent" }));
                assert.match(error.message, /github-packages:protect/);
                assert.match(error.message, /nothing was deleted/);
            }
            assert.equal(exists(emulator, stale), true);
        });
    });

    describe("a 404 means gone only when the token can see the organization", () => {
        it("a refresh with another organization's token fails instead of dropping the resource", async () => {
            const { id, outs } = await provider.create(gateway);
            const stranger = await providerFor(emulator, TOKENS.globexOnly);
            const error = await rejection(stranger.read(id, outs as OrgPackageState));
            assert.match(error.message, /cannot list the container packages of "acme"/);
            assert.match(error.message, /SSO/);
        });

        it("ensure: absent never records absent for an organization the token cannot see", async () => {
            const stranger = await providerFor(emulator, TOKENS.globexOnly);
            const error = await rejection(stranger.create({ ...stale, ensure: "absent" }));
            assert.match(error.message, /organization name \("acme"\)/);
            const typo = await rejection(provider.create({ ...stale, org: "acmee", ensure: "absent" }));
            assert.match(typo.message, /"acmee"/);
            assert.equal(exists(emulator, stale), true);
        });

        it("a package really gone from a visible organization still leaves state", async () => {
            const { id, outs } = await provider.create(gateway);
            emulator.admin.deletePackage(key(gateway));
            const later = await providerFor(emulator, TOKENS.admin);
            assert.deepEqual(await later.read(id, outs as OrgPackageState), {});
        });
    });

    describe("drift against the baseline", () => {
        it("a refresh keeps the baseline, so diff reports visibility, versions and repository drift until up accepts it", async () => {
            const { id, outs } = await provider.create(gateway);
            const state = outs as OrgPackageState;
            assert.equal((await provider.diff(id, state, gateway)).changes, false, "no drift right after adoption");
            emulator.admin.setVisibility(key(gateway), "public");
            emulator.admin.publishVersion(key(gateway));
            const later = await providerFor(emulator, TOKENS.admin);
            const read = await later.read(id, state);
            assert.equal(read.props?.visibility, "public");
            assert.deepEqual(read.props?.baseline, { visibility: "private", versionCount: 2, updatedAt: state.updatedAt }, "the baseline stores drift's old side only");
            assert.equal((await later.diff(id, read.props!, gateway)).changes, true);
            const again = await (await providerFor(emulator, TOKENS.admin)).read(id, read.props);
            assert.deepEqual(again.props?.baseline, read.props?.baseline, "a second refresh still knows what was accepted");
            const { outs: updated } = await later.update(id, read.props!, gateway);
            assert.deepEqual(updated?.baseline, {}, "up accepts the drift");
            assert.equal(updated?.visibility, "public");
            assert.equal((await later.diff(id, updated as OrgPackageState, gateway)).changes, false);
        });

        it("watchVersions: false leaves versions published and deleted out of drift, and still reports a visibility change", async () => {
            const watched = { ...gateway, watchVersions: false };
            const { id, outs } = await provider.create(watched);
            const state = outs as OrgPackageState;
            assert.equal(state.watchVersions, false);
            // The stack's own retention deletes a version, CI publishes two.
            const published = emulator.admin.publishVersion(key(gateway));
            emulator.admin.publishVersion(key(gateway));
            emulator.admin.deleteVersion(key(gateway), published.id!);
            const read = await (await providerFor(emulator, TOKENS.admin)).read(id, state);
            assert.equal(read.props?.versionCount, (state.versionCount ?? 0) + 1, "the count read is today's");
            assert.deepEqual(read.props?.baseline, {}, "no version drift");
            assert.equal((await provider.diff(id, read.props!, watched)).changes, false);
            emulator.admin.setVisibility(key(gateway), "public");
            const later = await (await providerFor(emulator, TOKENS.admin)).read(id, read.props);
            assert.deepEqual(later.props?.baseline, { visibility: "private" });
            assert.equal((await provider.diff(id, later.props!, watched)).changes, true);
            // Turned on again: an update, which accepts today's count as the baseline.
            assert.equal((await provider.diff(id, read.props!, gateway)).changes, true);
            assert.equal((await provider.check({} as OrgPackageInputs, { ...gateway, watchVersions: "no" as never })).failures?.[0]?.reason, 'watchVersions must be true or false, got "no" (a string).');
        });

        it("stores each field once: no name, ownerLogin or url besides the identity, no baseline copy of the fields", async () => {
            const { outs } = await provider.create(gateway);
            for (const key of ["name", "ownerLogin", "url"]) {
                assert.ok(!(key in outs!), `${key} is not stored`);
            }
            assert.deepEqual(outs?.baseline, {});
        });

        it("reads state written by 0.1 (a full baseline, name, url, ownerLogin) as the same accepted package", async () => {
            const { id, outs } = await provider.create(gateway);
            const state = outs as OrgPackageState;
            const accepted = { packageId: state.packageId, visibility: "private", repository: state.repository, versionCount: 2, updatedAt: state.updatedAt };
            const old = { ...state, name: "platform/api-gateway", ownerLogin: "acme", url: "http://old/url", baseline: accepted } as OrgPackageState;
            assert.equal((await provider.diff(id, old, gateway)).changes, false, "no spurious diff");
            emulator.admin.setVisibility(key(gateway), "public");
            const read = await (await providerFor(emulator, TOKENS.admin)).read(id, old);
            assert.deepEqual(read.props?.baseline, { visibility: "private" });
            assert.ok(!("name" in read.props!) && !("url" in read.props!), "a refresh rewrites it in the new shape");
            assert.equal((await provider.diff(id, read.props!, gateway)).changes, true, "the drift shows");
        });

        it("expectedVisibility holds the line: up fails while GitHub shows another visibility, linking the settings page", async () => {
            emulator.admin.setVisibility(key(gateway), "public");
            const error = await rejection(provider.create({ ...gateway, expectedVisibility: "private" }));
            assert.match(error.message, /is public, but the stack expects it private/);
            assert.match(error.message, /\/settings/);
            emulator.admin.setVisibility(key(gateway), "private");
            const nextRun = await providerFor(emulator, TOKENS.admin);
            const { outs } = await nextRun.create({ ...gateway, expectedVisibility: "private" });
            assert.equal(outs?.status, "present");
        });
    });

    describe("check and diff", () => {
        it("reports bad inputs by property before any API call", async () => {
            const result = await provider.check({} as OrgPackageInputs, { org: "acme", packageType: "pypi", packageName: "../x" } as never);
            assert.deepEqual(result.failures?.map((f) => f.property).sort(), ["packageName", "packageType"]);
            assert.equal(emulator.admin.requests().total, 0);
        });

        it("lets unknown inputs through during preview", async () => {
            const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            const result = await provider.check({} as OrgPackageInputs, { ...gateway, packageName: unknown });
            assert.equal(result.failures, undefined);
        });

        it("replaces on a new identity and updates on new settings", async () => {
            const { id, outs } = await provider.create(gateway);
            const state = outs as OrgPackageState;
            assert.deepEqual((await provider.diff(id, state, { ...gateway, packageName: "platform/other" })).replaces, ["packageName"]);
            assert.deepEqual((await provider.diff(id, state, { ...gateway, org: "ACME" })).changes, false, "logins are case-insensitive");
            const update = await provider.diff(id, state, { ...gateway, ensure: "absent" });
            assert.equal(update.changes, true);
            assert.deepEqual(update.replaces, []);
            assert.equal((await provider.diff(id, state, gateway)).changes, false);
        });
    });
});
