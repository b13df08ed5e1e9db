/**
 * Generated container packages for the retention tests: an in-memory model of a package (its
 * versions, manifests, which reads fail, the true links), builders of multi-arch images,
 * cosign signatures and referrers, and the fast-check arbitraries of package shapes and
 * policies that the image graph's and the bytes' property tests share.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { ImageRetentionPlan, planImageRetention } from "../../provider/retention/image-plan";
import { Descriptor, Manifest, ManifestSource, OCI_INDEX, OCI_MANIFEST, RegistryError } from "../../provider/github/registry";
import { RetentionCandidate } from "../../provider/retention/candidate";
import { RetentionPolicy } from "../../provider/retention/policy";

export const NOW = new Date("2025-06-01T12:00:00Z");
export const DAY = 86_400_000;

export function digestOf(seed: string): string {
    return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

/** An in-memory package: its versions, its manifests by digest, and which digests fail to read. */
export class Model {
    readonly versions: RetentionCandidate[] = [];
    readonly manifests = new Map<string, Manifest>();
    readonly unreadable = new Set<string>();
    /** Every true link (parent needs child), by version id. */
    readonly needs = new Map<number, number[]>();
    readonly reads = new Map<string, number>();
    private nextId = 1;

    version(manifest: Manifest, tags: string[], age: number): RetentionCandidate {
        const createdAt = new Date(NOW.getTime() - age * DAY).toISOString();
        const version = { versionId: this.nextId++, name: manifest.digest, tags, createdAt, updatedAt: createdAt };
        this.versions.push(version);
        this.manifests.set(manifest.digest, manifest);
        return version;
    }

    /** A plain image manifest; `subject` makes it a referrer. */
    plain(seed: string, subject?: string): Manifest {
        return { digest: digestOf(seed), mediaType: OCI_MANIFEST, manifests: [], subject: subject ? { mediaType: OCI_MANIFEST, digest: subject } : undefined };
    }

    index(seed: string, entries: Descriptor[], mediaType = OCI_INDEX): Manifest {
        return { digest: digestOf(seed), mediaType, manifests: entries };
    }

    need(parent: RetentionCandidate, child: RetentionCandidate): void {
        this.needs.set(parent.versionId, [...(this.needs.get(parent.versionId) ?? []), child.versionId]);
    }

    source(): ManifestSource {
        return {
            read: async (digest) => {
                this.reads.set(digest, (this.reads.get(digest) ?? 0) + 1);
                if (this.unreadable.has(digest)) {
                    throw new RegistryError(`The registry answered 503 for manifest ${digest}.`, "unavailable", `GET http://127.0.0.1:1/v2/acme/api/manifests/${digest}`, 503, digest);
                }
                const manifest = this.manifests.get(digest);
                if (!manifest) {
                    throw new RegistryError(`The registry has no manifest ${digest} (404).`, "not-found", "GET x", 404, digest);
                }
                return manifest;
            },
        };
    }

    /** Version ids reachable from `ids` through the true links. */
    reachableFrom(ids: Iterable<number>): Set<number> {
        const seen = new Set<number>();
        const queue = [...ids];
        while (queue.length > 0) {
            for (const child of this.needs.get(queue.pop()!) ?? []) {
                if (!seen.has(child)) {
                    seen.add(child);
                    queue.push(child);
                }
            }
        }
        return seen;
    }
}

export const PLATFORMS = [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64", variant: "v8" },
    { os: "linux", architecture: "arm", variant: "v7" },
];

/** A multi-arch image: an index with one child per platform and, optionally, a buildx attestation per platform. */
export function multiArch(model: Model, seed: string, tags: string[], age: number, platforms: number, attest: boolean, extra: Descriptor[] = []) {
    const children = PLATFORMS.slice(0, platforms).map((platform, i) => ({ platform, version: model.version(model.plain(`${seed}/p${i}`), [], age) }));
    const attestations = attest
        ? children.map((c, i) => ({ of: c, version: model.version(model.plain(`${seed}/att${i}`), [], age) }))
        : [];
    const entries: Descriptor[] = [
        ...children.map((c) => ({ mediaType: OCI_MANIFEST, digest: c.version.name, size: 1, platform: c.platform })),
        ...attestations.map((a) => ({
            mediaType: OCI_MANIFEST,
            digest: a.version.name,
            size: 1,
            platform: { os: "unknown", architecture: "unknown" },
            annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": a.of.version.name },
        })),
        ...extra,
    ];
    const index = model.version(model.index(seed, entries), tags, age);
    children.forEach((c) => model.need(index, c.version));
    attestations.forEach((a) => model.need(index, a.version));
    return { index, children: children.map((c) => c.version), attestations: attestations.map((a) => a.version) };
}

export function cosign(model: Model, target: RetentionCandidate, age: number, kind = "sig"): RetentionCandidate {
    const sig = model.version(model.plain(`cosign/${target.name}/${kind}`), [`sha256-${target.name.slice(7)}.${kind}`], age);
    model.need(target, sig);
    return sig;
}

export function referrer(model: Model, subject: RetentionCandidate, age: number, seed: string): RetentionCandidate {
    const version = model.version({ ...model.plain(seed, subject.name), artifactType: "application/spdx+json" }, [], age);
    model.need(subject, version);
    return version;
}

export function plan(model: Model, policy: RetentionPolicy): Promise<ImageRetentionPlan> {
    return planImageRetention(policy, model.versions, { packageType: "container", now: NOW, subject: "acme/container/api" }, model.source());
}

export type Spec = {
    kind: "single" | "multi" | "cosign" | "referrer" | "garbage" | "shared";
    prefix: "v" | "pr-" | "sha-" | "";
    platforms: number;
    attest: boolean;
    age: number;
    target: number;
};
export const spec: fc.Arbitrary<Spec> = fc.record({
    kind: fc.constantFrom("single", "multi", "multi", "cosign", "referrer", "garbage", "shared"),
    prefix: fc.constantFrom("v", "pr-", "sha-", ""),
    platforms: fc.integer({ min: 1, max: 3 }),
    attest: fc.boolean(),
    age: fc.integer({ min: 0, max: 90 }),
    target: fc.nat(),
});
export const policy: fc.Arbitrary<RetentionPolicy> = fc
    .record(
        {
            tagged: fc.record({ include: fc.constantFrom(["pr-*"], ["v*"], ["sha-*", "pr-*"], undefined), keepLatest: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }, { requiredKeys: [] }),
            untagged: fc.record({ keepLatest: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }, { requiredKeys: [] }),
            olderThan: fc.constantFrom("10d", "30d", "60d"),
            keepLatest: fc.integer({ min: 1, max: 4 }),
            protect: fc.constantFrom({ tags: ["v*"] }, { tags: ["sha-*"] }),
            deleteOrphanedChildren: fc.boolean(),
            lastVersion: fc.constantFrom("never" as const, "keep-newest" as const, "delete-package" as const),
        },
        { requiredKeys: [] },
    )
    .map((p) => JSON.parse(JSON.stringify({ ...p, maxDeletions: 100_000 })) as RetentionPolicy);

/** Builds a package from specs; references to earlier versions pick among those made so far. */
export function build(specs: Spec[], unreadableMask: boolean[]): Model {
    const model = new Model();
    const images: RetentionCandidate[] = [];
    specs.forEach((s, i) => {
        const tags = s.prefix === "" ? [] : [`${s.prefix}${i}`];
        const target = () => model.versions[s.target % model.versions.length];
        switch (s.kind) {
            case "single":
                images.push(model.version(model.plain(`single${i}`), tags, s.age));
                break;
            case "multi":
                images.push(multiArch(model, `multi${i}`, tags, s.age, s.platforms, s.attest).index);
                break;
            case "shared": {
                const other = images.length > 0 ? images[s.target % images.length] : undefined;
                const otherManifest = other ? model.manifests.get(other.name)! : undefined;
                const borrowed = otherManifest?.manifests.filter((d) => d.mediaType === OCI_MANIFEST && !d.annotations).slice(0, 1) ?? [];
                const image = multiArch(model, `shared${i}`, tags, s.age, s.platforms, s.attest, borrowed);
                for (const d of borrowed) {
                    model.need(image.index, model.versions.find((v) => v.name === d.digest)!);
                }
                images.push(image.index);
                break;
            }
            case "cosign":
                if (model.versions.length > 0) {
                    cosign(model, target(), s.age, ["sig", "att"][i % 2]);
                }
                break;
            case "referrer":
                if (model.versions.length > 0) {
                    referrer(model, target(), s.age, `ref${i}`);
                }
                break;
            case "garbage":
                model.version(model.plain(`garbage${i}`), [], s.age);
                break;
        }
    });
    model.versions.forEach((v, i) => {
        if (unreadableMask[i % unreadableMask.length]) {
            model.unreadable.add(v.name);
        }
    });
    return model;
}
