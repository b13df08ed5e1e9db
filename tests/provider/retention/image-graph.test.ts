import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ImageLink, linksOf, tagLinks } from "../../../provider/retention/image-graph";
import { ImageRetentionPlan, planImageRetention } from "../../../provider/retention/image-plan";
import { Descriptor, DOCKER_LIST, OCI_INDEX, OCI_MANIFEST } from "../../../provider/github/registry";
import { RetentionCandidate } from "../../../provider/retention/candidate";
import { planRetention, RetentionCapError } from "../../../provider/retention/plan";
import { checkRetentionPolicy } from "../../../provider/retention/policy";
import { build, cosign, digestOf, Model, multiArch, NOW, plan, PLATFORMS, policy, referrer, spec } from "../../support/image-graphs";

const ids = (list: readonly { versionId: number }[]) => list.map((v) => v.versionId).sort((a, b) => a - b);
const reasonOf = (p: ImageRetentionPlan, id: number) => [...p.kept, ...p.deletions, ...p.blocked].find((v) => v.versionId === id)?.reason;

describe("provider/retention/image-graph", () => {
    describe("links", () => {
        it("reads children with their platforms, attestations with the platform they attest, and subjects", () => {
            const model = new Model();
            const image = multiArch(model, "a", ["v1"], 1, 2, true);
            const manifest = model.manifests.get(image.index.name)!;
            const links = linksOf(manifest);
            assert.deepEqual(
                links.map((l) => [l.kind, l.label, l.child]),
                [
                    ["child", "linux/amd64", image.children[0].name],
                    ["child", "linux/arm64/v8", image.children[1].name],
                    ["attestation", "linux/amd64", image.attestations[0].name],
                    ["attestation", "linux/arm64/v8", image.attestations[1].name],
                ],
            );
            const ref = model.plain("r", image.index.name);
            assert.deepEqual(linksOf({ ...ref, artifactType: "application/vnd.dev.sigstore.bundle+json" }), [
                { parent: image.index.name, child: ref.digest, kind: "referrer", label: "application/vnd.dev.sigstore.bundle+json" },
            ]);
            // A Docker manifest list is an index too; a plain manifest has no children.
            assert.equal(linksOf({ ...manifest, mediaType: DOCKER_LIST }).length, 4);
            assert.deepEqual(linksOf({ ...manifest, mediaType: OCI_MANIFEST }), []);
        });

        it("reads cosign's tag convention: sha256-<hex>.sig is needed by sha256:<hex>", () => {
            const target = digestOf("t");
            const links: ImageLink[] = tagLinks([
                { versionId: 1, name: digestOf("s"), tags: [`sha256-${target.slice(7)}.sig`], createdAt: "", updatedAt: "" },
                { versionId: 2, name: digestOf("x"), tags: [`sha256-${target.slice(7)}.att`, "sha256-short.sig"], createdAt: "", updatedAt: "" },
            ]);
            assert.deepEqual(
                links.map((l) => [l.parent, l.kind, l.label]),
                [
                    [target, "signature", "cosign signature"],
                    [target, "signature", "cosign attestation"],
                ],
            );
        });
    });

    describe("planning with the graph", () => {
        it("keeps every manifest a kept multi-arch image needs, saying why, and deletes the garbage", async () => {
            const model = new Model();
            const image = multiArch(model, "v12", ["v1.2"], 40, 2, true);
            const sig = cosign(model, image.index, 40);
            const sbom = referrer(model, image.index, 40, "sbom");
            const garbage = model.version(model.plain("garbage"), [], 50);
            const result = await plan(model, { untagged: {} });
            assert.deepEqual(ids(result.deletions), [garbage.versionId]);
            assert.equal(reasonOf(result, image.children[1].versionId), "child linux/arm64/v8 of kept tag v1.2.");
            assert.equal(reasonOf(result, image.attestations[0].versionId), "attestation of linux/amd64 of kept tag v1.2.");
            assert.equal(reasonOf(result, sbom.versionId), "referrer (subject, application/spdx+json) of kept tag v1.2.");
            assert.ok(result.kept.filter((k) => k.keptBy === "image-graph").length === 5);
            // The signature is tagged, so `untagged` does not select it; it stays.
            assert.ok(!result.deletions.some((d) => d.versionId === sig.versionId));
            assert.deepEqual(result.unreadable, []);
        });

        it("deletes the children of a deleted image with it, and keeps a child another kept image shares", async () => {
            const model = new Model();
            const kept = multiArch(model, "v1", ["v1"], 30, 1, false);
            const shared: Descriptor = { mediaType: OCI_MANIFEST, digest: kept.children[0].name, size: 1, platform: PLATFORMS[0] };
            const pr = multiArch(model, "pr3", ["pr-3"], 20, 2, true, [shared]);
            model.need(pr.index, kept.children[0]);
            const sig = cosign(model, pr.index, 20);
            const result = await plan(model, { tagged: { include: ["pr-*"] } });
            assert.deepEqual(ids(result.deletions), ids([pr.index, ...pr.children, ...pr.attestations, sig]));
            assert.equal(result.deletions[0].versionId, pr.index.versionId, "the index goes first: an interrupted run leaves orphans, not a broken image");
            const orphan = result.deletions.find((d) => d.versionId === pr.children[1].versionId)!;
            assert.equal(orphan.rule, "image-graph");
            assert.equal(orphan.reason, "child linux/arm64/v8 of deleted tag pr-3 (deleteOrphanedChildren).");
            assert.equal(reasonOf(result, sig.versionId), "cosign signature of deleted tag pr-3 (deleteOrphanedChildren).");
            assert.ok(!result.deletions.some((d) => d.versionId === kept.children[0].versionId));

            const without = await plan(model, { tagged: { include: ["pr-*"] }, deleteOrphanedChildren: false });
            assert.deepEqual(ids(without.deletions), [pr.index.versionId]);
        });

        it("a version GitHub refused before stays with what it needs, and is never planned again, not even as an orphan", async () => {
            const model = new Model();
            multiArch(model, "v1", ["v1"], 10, 1, false);
            const pr3 = multiArch(model, "pr3", ["pr-3"], 40, 2, false);
            const pr4 = multiArch(model, "pr4", ["pr-4"], 40, 2, false);
            const refused = [
                { versionId: pr3.index.versionId, blockedBy: "undeletable" as const, reason: "GitHub refused: over 5,000 downloads." },
                { versionId: pr4.children[0].versionId, blockedBy: "undeletable" as const, reason: "GitHub refused: over 5,000 downloads." },
            ];
            const result = await planImageRetention({ tagged: { include: ["pr-*"] } }, model.versions, { packageType: "container", now: NOW, refused }, model.source());
            // pr-3 stays (refused), so its children stay; pr-4 goes with its arm64 child, not the amd64 child GitHub refused.
            assert.deepEqual(ids(result.deletions), ids([pr4.index, pr4.children[1]]));
            assert.deepEqual(result.blocked.map((b) => [b.versionId, b.blockedBy, b.reason]), [[pr3.index.versionId, "undeletable", "GitHub refused: over 5,000 downloads."]]);
        });

        it("tagged.keepLatest counts images, not cosign signatures (whose tags are digests)", async () => {
            const model = new Model();
            multiArch(model, "v1", ["v1"], 60, 1, false);
            const prs = [1, 2, 3, 4].map((n) => {
                const image = multiArch(model, `pr${n}`, [`pr-${n}`], 50 - n * 2, 1, false);
                cosign(model, image.index, 49 - n * 2);
                return image;
            });
            const result = await plan(model, { tagged: { include: ["pr-*"], keepLatest: 2 }, maxDeletions: 100 });
            // The 2 newest PR images stay, with their signatures; the 2 oldest go, with their children and signatures.
            for (const image of prs.slice(2)) {
                assert.ok(!result.deletions.some((d) => d.versionId === image.index.versionId), `${image.index.tags[0]} is one of the 2 newest images`);
            }
            assert.deepEqual(
                result.kept.filter((k) => k.keptBy === "keep-latest-tagged").map((k) => k.tags),
                [["pr-4"], ["pr-3"]],
            );
            for (const image of prs.slice(0, 2)) {
                assert.ok(result.deletions.some((d) => d.versionId === image.index.versionId), `${image.index.tags[0]} is deleted`);
            }
        });

        it("counts orphaned children against maxDeletions", async () => {
            const model = new Model();
            multiArch(model, "v1", ["v1"], 30, 1, false);
            multiArch(model, "pr", ["pr-1"], 20, 3, false);
            await assert.rejects(plan(model, { tagged: { include: ["pr-*"] }, maxDeletions: 3 }), (e: RetentionCapError) => e instanceof RetentionCapError && e.planned === 4);
        });

        it("keeps the children of the last tagged image GitHub would refuse to delete", async () => {
            const model = new Model();
            const only = multiArch(model, "pr", ["pr-1"], 20, 2, false);
            const result = await plan(model, { tagged: {} });
            assert.deepEqual(result.deletions, []);
            assert.deepEqual(ids(result.blocked), [only.index.versionId]);
            assert.equal(result.blocked[0].blockedBy, "last-version");
        });

        it("fails closed: an unreadable manifest blocks every untagged deletion, tagged deletions go on", async () => {
            const model = new Model();
            multiArch(model, "v1", ["v1"], 30, 2, false);
            const pr = multiArch(model, "pr", ["pr-1"], 40, 1, false);
            const garbage = model.version(model.plain("garbage"), [], 50);
            const broken = multiArch(model, "pr2", ["pr-2"], 45, 1, false);
            model.unreadable.add(broken.index.name);
            const result = await plan(model, { tagged: { include: ["pr-*"] }, untagged: {} });
            assert.deepEqual(ids(result.deletions), ids([pr.index, broken.index]));
            assert.deepEqual(result.unreadable.map((u) => u.digest), [broken.index.name]);
            assert.match(result.unreadable[0].reason, /^unavailable: .*503/);
            // The garbage and the deleted images' children are blocked, none deleted.
            assert.deepEqual(ids(result.blocked), ids([...pr.children, garbage, ...broken.children]));
            for (const blocked of result.blocked) {
                assert.equal(blocked.blockedBy, "unreadable-manifest");
                assert.match(blocked.reason, new RegExp(`^manifest of ${broken.index.name.slice(0, 19)}… could not be read, so no untagged version`));
            }
        });

        it("fails closed: an unreadable manifest of a kept image blocks every deletion of the package", async () => {
            const model = new Model();
            const kept = multiArch(model, "v1", ["v1"], 30, 2, false);
            const pr = multiArch(model, "pr", ["pr-1"], 40, 1, false);
            const garbage = model.version(model.plain("garbage"), [], 50);
            model.unreadable.add(kept.index.name);
            const result = await plan(model, { tagged: { include: ["pr-*"] }, untagged: {} });
            assert.deepEqual(ids(result.deletions), []);
            assert.deepEqual(result.unreadable.map((u) => u.digest), [kept.index.name]);
            // The unreadable index's children, the garbage, the pr image and its child are all blocked, none deleted.
            assert.deepEqual(ids(result.blocked), ids([...kept.children, pr.index, ...pr.children, garbage]));
            for (const blocked of result.blocked) {
                assert.equal(blocked.blockedBy, "unreadable-manifest");
                assert.match(blocked.reason, new RegExp(`^manifest of ${kept.index.name.slice(0, 19)}… could not be read`));
            }
        });

        it("fails closed for tagged children too: a kept index that cannot be read keeps a child also tagged pr-*", async () => {
            const model = new Model();
            // A platform manifest pushed first as pr-7-amd64, then made a child of the release index v1.
            const child = model.version(model.plain("amd64"), ["pr-7-amd64"], 40);
            const kept = model.version(model.index("v1", [{ mediaType: OCI_MANIFEST, digest: child.name, size: 1, platform: PLATFORMS[0] }]), ["v1"], 30);
            model.need(kept, child);
            const other = model.version(model.plain("pr8"), ["pr-8"], 40);
            // Readable, the graph keeps the child.
            const readable = await plan(model, { tagged: { include: ["pr-*"] } });
            assert.deepEqual(ids(readable.deletions), [other.versionId]);
            assert.equal(reasonOf(readable, child.versionId), "child linux/amd64 of kept tag v1.");
            // Unreadable, nothing is known about what v1 needs: its child must not be deleted.
            model.unreadable.add(kept.name);
            const result = await plan(model, { tagged: { include: ["pr-*"] } });
            assert.ok(!result.deletions.some((d) => d.versionId === child.versionId), "the child of the unreadable kept index v1 is deleted");
            assert.deepEqual(ids(result.deletions), []);
            assert.deepEqual(ids(result.blocked), ids([child, other]));
            for (const blocked of result.blocked) {
                assert.equal(blocked.blockedBy, "unreadable-manifest");
                assert.match(blocked.reason, new RegExp(`^manifest of ${kept.name.slice(0, 19)}… could not be read`));
            }
            // A kept tag whose manifest the registry answers 404 for, though the REST API lists it, is unknown, not absent
            // (issue 20): it may need any version, so nothing is deleted either.
            const ghost = model.version(model.plain("ghost"), ["v0"], 60);
            model.manifests.delete(ghost.name);
            model.unreadable.delete(kept.name);
            const withGhost = await plan(model, { tagged: { include: ["pr-*"] } });
            assert.deepEqual(withGhost.unreadable.map((u) => [u.digest, u.problem]), [[ghost.name, "not-found"]]);
            assert.deepEqual(ids(withGhost.deletions), []);
            assert.deepEqual(ids(withGhost.blocked), [other.versionId]);
            assert.equal(reasonOf(withGhost, child.versionId), "child linux/amd64 of kept tag v1.");
            assert.ok(withGhost.blocked.every((b) => b.blockedBy === "unreadable-manifest"));
        });

        it("tagged deletions go on when the unreadable manifest is one the plan deletes", async () => {
            const model = new Model();
            multiArch(model, "v1", ["v1"], 30, 1, false);
            const pr = model.version(model.plain("pr9"), ["pr-9"], 40);
            const broken = model.version(model.plain("pr10"), ["pr-10"], 40);
            model.unreadable.add(broken.name);
            const result = await plan(model, { tagged: { include: ["pr-*"] } });
            assert.deepEqual(ids(result.deletions), ids([pr, broken]));
        });

        it("never deletes a package whole while a manifest is unreadable (found by the property test)", async () => {
            const model = new Model();
            const only = model.version(model.plain("v1"), ["v1"], 30);
            model.unreadable.add(only.name);
            const result = await plan(model, { tagged: {}, lastVersion: "delete-package", maxDeletions: 100 });
            assert.equal(result.deletePackage, false);
            assert.deepEqual(ids(result.deletions), []);
            assert.deepEqual(result.blocked.map((b) => [b.versionId, b.blockedBy]), [[only.versionId, "last-version"]]);
            assert.match(result.blocked[0].reason, /could not be read, so it is not deleted as a whole/);
        });

        it("reads nothing when the rules select nothing, skips the plain children of kept images, and reads each manifest once", async () => {
            const model = new Model();
            const kept = multiArch(model, "v1", ["v1"], 30, 3, true);
            const nested = multiArch(model, "inner", [], 30, 2, false);
            const outer = multiArch(model, "outer", ["v2"], 30, 0, false, [{ mediaType: OCI_INDEX, digest: nested.index.name, size: 1 }]);
            model.need(outer.index, nested.index);
            const garbage = model.version(model.plain("g"), [], 100);

            const none = await plan(model, { tagged: { include: ["pr-*"] } });
            assert.equal(none.manifestsRead, 0);
            assert.equal(model.reads.size, 0);

            const result = await plan(model, { untagged: {} });
            assert.deepEqual(ids(result.deletions), [garbage.versionId]);
            assert.equal(reasonOf(result, nested.children[0].versionId), "child linux/amd64 of kept manifest " + nested.index.name.slice(0, 19) + ".");
            for (const child of [...kept.children, ...kept.attestations]) {
                assert.equal(model.reads.get(child.name), undefined, "a plain child of a kept tagged image is not read");
            }
            assert.ok([...model.reads.values()].every((n) => n === 1));
            assert.equal(result.manifestsRead, model.reads.size);
            assert.ok(model.reads.has(nested.index.name) && model.reads.has(garbage.name));
        });

        it("allows untagged rules for container packages with the graph only, and refuses docker", async () => {
            assert.deepEqual(checkRetentionPolicy({ untagged: {} }, "container", { imageGraph: true }), []);
            assert.equal(checkRetentionPolicy({ untagged: {} }, "container").length, 2);
            assert.ok(checkRetentionPolicy({ untagged: {} }, "docker", { imageGraph: true }).some((f) => f.property === "untagged"));
            assert.ok(checkRetentionPolicy({ tagged: {}, deleteOrphanedChildren: false }, "docker").some((f) => f.property === "deleteOrphanedChildren"));
            assert.ok(checkRetentionPolicy({ tagged: {}, deleteOrphanedChildren: "yes" }, "container").some((f) => f.property === "deleteOrphanedChildren"));
            await assert.rejects(
                planImageRetention({ tagged: {} }, [], { packageType: "docker", now: NOW }, new Model().source()),
                /legacy registry, whose manifests the provider does not read/,
            );
            assert.throws(() => planRetention({ untagged: {} }, [], { packageType: "container", now: NOW }), /planImageRetention/);
        });
    });

    describe("property: over generated graphs and policies", () => {
        it("never deletes a version reachable from one the plan keeps; unreadable manifests block untagged deletions; each manifest is read once", async () => {
            let planned = 0;
            await fc.assert(
                fc.asyncProperty(
                    fc.array(spec, { minLength: 1, maxLength: 12 }),
                    policy,
                    fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }).map((mask) => mask.map((b, i) => b && i % 3 === 0)),
                    async (specs, rules, mask) => {
                        const model = build(specs, mask);
                        fc.pre(checkRetentionPolicy(rules, "container", { imageGraph: true }).length === 0);
                        const result = await plan(model, rules);
                        planned++;
                        const deleted = new Set(result.deletePackage ? model.versions.map((v) => v.versionId) : result.deletions.map((d) => d.versionId));
                        const staying = model.versions.filter((v) => !deleted.has(v.versionId)).map((v) => v.versionId);
                        const needed = model.reachableFrom(staying);
                        for (const id of deleted) {
                            assert.ok(!needed.has(id), `version ${id} is deleted but a version that stays needs it: ${reasonOf(result, id)}`);
                        }
                        const unreadableRead = [...model.unreadable].filter((d) => model.reads.has(d));
                        assert.deepEqual(result.unreadable.map((u) => u.digest).sort(), unreadableRead.sort());
                        if (result.unreadable.length > 0) {
                            assert.ok(!result.deletePackage);
                            assert.deepEqual(result.deletions.filter((d) => d.tags.length === 0), [], "an untagged version is deleted although a manifest could not be read");
                        }
                        assert.ok([...model.reads.values()].every((n) => n === 1), "a manifest was read twice");
                        if (rules.deleteOrphanedChildren === false) {
                            assert.ok(result.deletions.every((d) => d.rule !== "image-graph"));
                        }
                        // Tagged versions are blocked only when an unreadable manifest is of a version that stays.
                        const unreadableStays = result.unreadable.some((u) => model.versions.some((v) => v.name === u.digest && !deleted.has(v.versionId)));
                        for (const b of result.blocked.filter((b) => b.blockedBy === "unreadable-manifest")) {
                            assert.ok(unreadableStays || b.tags.length === 0, `tagged version ${b.versionId} blocked though every unreadable manifest is deleted`);
                        }
                        const position = new Map(result.deletions.map((d, i) => [d.versionId, i]));
                        for (const [parent, children] of model.needs) {
                            for (const child of children) {
                                if (position.has(parent) && position.has(child)) {
                                    assert.ok(position.get(parent)! < position.get(child)!, `child ${child} is deleted before its parent ${parent}`);
                                }
                            }
                        }
                        const listed = [...result.deletions, ...result.kept, ...result.blocked].map((v) => v.versionId);
                        assert.equal(new Set(listed).size, listed.length, "a version is listed twice in the plan");
                        const tagged = model.versions.filter((v) => v.tags.length > 0);
                        if (!result.deletePackage && tagged.length > 0) {
                            assert.ok(tagged.some((v) => !deleted.has(v.versionId)), "every tagged version deleted: GitHub refuses the last one");
                        }
                    },
                ),
                // A fixed seed keeps CI reproducible; FC_SEED and FC_RUNS explore further (a failure prints its seed and path).
                { numRuns: Number(process.env.FC_RUNS ?? 1000), seed: Number(process.env.FC_SEED ?? 20261127) },
            );
            assert.ok(planned > 100, `only ${planned} generated cases were planned`);
        });

        it("drained under any smaller cap: a subset of the full plan, within the cap, and never what a staying version needs", async () => {
            let drained = 0;
            let stalled = 0;
            await fc.assert(
                fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 12 }), policy, fc.nat(), async (specs, rules, pick) => {
                    fc.pre(checkRetentionPolicy(rules, "container", { imageGraph: true }).length === 0);
                    const full = await plan(build(specs, [false]), rules);
                    fc.pre(!full.deletePackage && full.deletions.length > 1);
                    const cap = 1 + (pick % (full.deletions.length - 1));
                    const model = build(specs, [false]);
                    let result: Awaited<ReturnType<typeof plan>>;
                    try {
                        result = await plan(model, { ...rules, maxDeletions: cap, drain: true });
                    } catch (error) {
                        // Not even the oldest image fits the cap: refused, naming the smallest cap that would do.
                        const needs = /drains, but its oldest selected image alone takes (\d+) deletions/.exec((error as Error).message);
                        assert.ok(needs && Number(needs[1]) > cap, (error as Error).message);
                        stalled++;
                        return;
                    }
                    assert.ok(result.deletions.length > 0, "a drained plan that deletes nothing would wait for ever");
                    drained++;
                    const all = new Set(full.deletions.map((d) => d.versionId));
                    assert.ok(result.deletions.length <= cap, `${result.deletions.length} deletions over the cap ${cap}`);
                    assert.ok(result.deferred > 0, "a drained plan says that versions wait");
                    assert.ok(result.deletions.every((d) => all.has(d.versionId)), "a drained plan deletes a version the full plan keeps");
                    const deleted = new Set(result.deletions.map((d) => d.versionId));
                    const needed = model.reachableFrom(model.versions.filter((v) => !deleted.has(v.versionId)).map((v) => v.versionId));
                    for (const id of deleted) {
                        assert.ok(!needed.has(id), `version ${id} is deleted but a version that stays needs it: ${reasonOf(result, id)}`);
                    }
                }),
                { numRuns: Number(process.env.FC_RUNS ?? 300), seed: Number(process.env.FC_SEED ?? 20261205) },
            );
            assert.ok(drained > 30, `only ${drained} generated cases were drained`);
            assert.ok(stalled > 0, "no generated case had an oldest image larger than the cap");
        });
    });
});

describe("provider/retention/image-graph: nested indexes (an index of indexes)", () => {
    /** A tagged outer index whose entry is an untagged inner index of two platform manifests. */
    function nested(model: Model, seed: string, tags: string[], age: number) {
        const leaves = [0, 1].map((i) => model.version(model.plain(`${seed}/leaf${i}`), [], age));
        const inner = model.version(
            model.index(`${seed}/inner`, leaves.map((leaf, i) => ({ mediaType: OCI_MANIFEST, digest: leaf.name, size: 1, platform: PLATFORMS[i] }))),
            [],
            age,
        );
        const outer = model.version(model.index(`${seed}/outer`, [{ mediaType: OCI_INDEX, digest: inner.name, size: 1 }]), tags, age);
        model.need(outer, inner);
        leaves.forEach((leaf) => model.need(inner, leaf));
        return { outer, inner, leaves };
    }

    it("keeps the inner index and its manifests of a kept image, through two levels", async () => {
        const model = new Model();
        const release = nested(model, "release", ["v1"], 40);
        const garbage = model.version(model.plain("garbage"), [], 40);
        const result = await plan(model, { untagged: {}, maxDeletions: 10 });
        assert.deepEqual(ids(result.deletions), [garbage.versionId]);
        assert.deepEqual(ids(result.kept), ids([release.inner, ...release.leaves]));
        assert.equal(reasonOf(result, release.leaves[0].versionId), `child linux/amd64 of kept manifest ${release.inner.name.slice(0, 19)}.`);
        assert.equal(reasonOf(result, release.inner.versionId), "child manifest of kept tag v1.");
        assert.ok(result.kept.every((k) => k.keptBy === "image-graph"));
    });

    it("deletes a deleted image's inner index and its manifests with it, outer before inner before leaves", async () => {
        const model = new Model();
        nested(model, "release", ["v1"], 10);
        const pr = nested(model, "pr", ["pr-1"], 40);
        const result = await plan(model, { tagged: { include: ["pr-*"] }, maxDeletions: 10 });
        const order = result.deletions.map((d) => d.versionId);
        assert.deepEqual([...order].sort((a, b) => a - b), ids([pr.outer, pr.inner, ...pr.leaves]));
        assert.ok(order.indexOf(pr.outer.versionId) < order.indexOf(pr.inner.versionId), "the outer index first");
        for (const leaf of pr.leaves) {
            assert.ok(order.indexOf(pr.inner.versionId) < order.indexOf(leaf.versionId), "the inner index before its manifests");
        }
        assert.match(reasonOf(result, pr.leaves[0].versionId)!, /child linux\/amd64 of deleted manifest/);
    });

    it("a leaf shared by a kept nested image stays when another image that holds it goes", async () => {
        const model = new Model();
        const release = nested(model, "release", ["v1"], 10);
        // A PR image whose index lists the release's inner index: deleting the PR must not take the release's manifests.
        const pr = model.version(model.index("pr/outer", [{ mediaType: OCI_INDEX, digest: release.inner.name, size: 1 }]), ["pr-2"], 40);
        model.need(pr, release.inner);
        const result = await plan(model, { tagged: { include: ["pr-*"] }, untagged: {}, maxDeletions: 10 });
        assert.deepEqual(ids(result.deletions), [pr.versionId]);
        assert.deepEqual(ids(result.kept), ids([release.inner, ...release.leaves]));
    });
});

describe("provider/retention/image-graph: deleteBroken (ghost, partial and orphaned images)", () => {
    const remove = (model: Model, version: RetentionCandidate) => model.versions.splice(model.versions.indexOf(version), 1);

    it("ghost images: deleted on request with their reason; without it, they block untagged deletions", async () => {
        const model = new Model();
        const release = multiArch(model, "release", ["v1"], 30, 2, false);
        const ghost = model.version(model.plain("ghost"), ["v0"], 60);
        const garbage = model.version(model.plain("garbage"), [], 60);
        model.manifests.delete(ghost.name);
        const without = await plan(model, { untagged: {}, maxDeletions: 10 });
        assert.deepEqual(ids(without.deletions), []);
        assert.deepEqual(ids(without.blocked), [garbage.versionId]);
        const result = await plan(model, { untagged: {}, deleteBroken: { ghostImages: true }, maxDeletions: 10 });
        assert.deepEqual(ids(result.deletions), ids([ghost, garbage]));
        const entry = result.deletions.find((d) => d.versionId === ghost.versionId)!;
        assert.equal(entry.rule, "ghost-image");
        assert.match(entry.reason, /^ghost image: the registry has no manifest sha256:[0-9a-f]{12}… \(404\) while GitHub lists the version \(deleteBroken\.ghostImages\)\.$/);
        assert.ok(ids(result.kept).includes(release.children[0].versionId), "the release keeps its children");
    });

    it("a ghost a kept image lists stays (the kept image needs it), and protect lists apply", async () => {
        const model = new Model();
        const release = multiArch(model, "release", ["v1"], 30, 2, false);
        model.manifests.delete(release.children[1].name);
        const ghost = model.version(model.plain("ghost"), ["v0"], 60);
        model.manifests.delete(ghost.name);
        const result = await plan(model, { deleteBroken: { ghostImages: true }, protect: { tags: ["v0"] }, maxDeletions: 10 });
        assert.deepEqual(ids(result.deletions), []);
        assert.equal(result.kept.find((k) => k.versionId === release.children[1].versionId)?.keptBy, "image-graph");
        assert.equal(result.kept.find((k) => k.versionId === ghost.versionId)?.keptBy, "protect-tag");
    });

    it("partial images: an index whose platform manifest is gone goes, with the children it still has", async () => {
        const model = new Model();
        multiArch(model, "release", ["v2"], 10, 2, false);
        const partial = multiArch(model, "old", ["v1"], 30, 2, true);
        remove(model, partial.children[0]);
        const result = await plan(model, { deleteBroken: { partialImages: true }, maxDeletions: 10 });
        assert.deepEqual(ids(result.deletions), ids([partial.index, partial.children[1], ...partial.attestations]));
        const entry = result.deletions.find((d) => d.versionId === partial.index.versionId)!;
        assert.equal(entry.rule, "partial-image");
        assert.match(entry.reason, /^partial image: it lists linux\/amd64 sha256:[0-9a-f]{12}…, which the package no longer has/);
        assert.equal(result.deletions[0].versionId, partial.index.versionId, "the index before its children");
    });

    it("orphaned referrers: a cosign signature or an SBOM whose subject is gone goes; those of a live image stay", async () => {
        const model = new Model();
        const release = multiArch(model, "release", ["v1"], 10, 1, false);
        const liveSig = cosign(model, release.index, 10);
        const gone = multiArch(model, "gone", ["v0"], 40, 1, false);
        const deadSig = cosign(model, gone.index, 40);
        const deadSbom = referrer(model, gone.index, 40, "sbom-of-gone");
        for (const version of [gone.index, ...gone.children]) {
            remove(model, version);
        }
        const result = await plan(model, { deleteBroken: { orphanedReferrers: true }, maxDeletions: 10 });
        assert.deepEqual(ids(result.deletions), ids([deadSig, deadSbom]));
        assert.ok(result.deletions.every((d) => d.rule === "orphaned-referrer"));
        assert.match(result.deletions.find((d) => d.versionId === deadSig.versionId)!.reason, /^cosign signature of sha256:[0-9a-f]{12}…, which is no longer a version of the package/);
        assert.ok(!ids(result.deletions).includes(liveSig.versionId));
    });

    it("is refused outside container packages and with a flag that is not a boolean, naming the field", () => {
        assert.deepEqual(checkRetentionPolicy({ keepLatest: 3, deleteBroken: { ghostImages: true } }, "npm").map((f) => f.property), ["deleteBroken"]);
        assert.deepEqual(checkRetentionPolicy({ deleteBroken: { ghostImages: "yes", ghosts: true } }, "container", { imageGraph: true }).map((f) => f.property).sort(), ["deleteBroken.ghostImages", "deleteBroken.ghosts"]);
    });
});
