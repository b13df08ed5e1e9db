/**
 * Broken images: tagged container versions that would not pull. A tag whose own manifest the
 * registry cannot give (a "ghost" image), or an index some of whose children are gone: no longer
 * among the package's versions (a "partial" image, made by a cleanup that deleted a child), or
 * still listed by the REST API while the registry answers 404 for them (ghost children). Read
 * from the version list, the manifests of tagged images (each read at most once per process)
 * and a HEAD per child of a tagged index (no download counted); `pulumi refresh` of a container
 * retention reports them as drift.
 */
import { isCosignTag } from "./image-graph";
import { ManifestSource, RegistryError } from "../github/registry";
import { RetentionCandidate } from "./candidate";

/** One tagged image that would not pull. */
export interface BrokenImage {
    /** GitHub's id of the tagged version. */
    versionId: number;
    /** Its digest. */
    digest: string;
    /** Its tags. */
    tags: string[];
    /** `missing-children`: an index whose children are gone; `unreadable`: its own manifest cannot be read. */
    problem: "missing-children" | "unreadable";
    /** The children's digests no longer among the package's versions, or that the registry does not serve (`missing-children`). */
    missing: string[];
    /** What is wrong, in words. */
    reason: string;
}

/**
 * The tagged images of a container package that would not pull, oldest first. An image
 * manifest (not an index) is healthy once it reads; an index also needs every child it lists
 * among `versions` (the active ones) and served by the registry (`check`, a HEAD, or else a
 * read). Signatures (`sha256-….sig`) are images like any other. Rejects with the RegistryError
 * when the registry is unavailable or refuses the token: that says nothing about the images.
 */
export async function findBrokenImages(versions: readonly RetentionCandidate[], source: ManifestSource): Promise<BrokenImage[]> {
    const active = new Set(versions.map((v) => v.name));
    const tagged = versions.filter((v) => v.tags.length > 0);
    // Each child asked about once, however many indexes list it; a 404 (or a corrupt answer) makes it a ghost.
    const served = new Map<string, Promise<boolean>>();
    const isServed = (digest: string): Promise<boolean> => {
        let pending = served.get(digest);
        if (!pending) {
            pending = (source.check ? source.check(digest) : source.read(digest).then(() => undefined)).then(
                () => true,
                (error) => {
                    if (error instanceof RegistryError && (error.problem === "unavailable" || error.problem === "unauthorized")) {
                        throw error;
                    }
                    return false;
                },
            );
            served.set(digest, pending);
        }
        return pending;
    };
    const found = await Promise.all(
        tagged.map(async (version): Promise<BrokenImage | undefined> => {
            const base = { versionId: version.versionId, digest: version.name, tags: [...version.tags] };
            let manifest;
            try {
                manifest = await source.read(version.name);
            } catch (error) {
                // A registry that is down or refuses the token says nothing about the image: fail (nothing changes), not drift.
                if (error instanceof RegistryError && (error.problem === "unavailable" || error.problem === "unauthorized")) {
                    throw error;
                }
                const why = error instanceof RegistryError ? `${error.problem}${error.status ? ` (${error.status})` : ""}` : String(error);
                return { ...base, problem: "unreadable", missing: [], reason: `the registry does not give its manifest: ${why}; pulling ${label(version)} fails.` };
            }
            const listed = manifest.manifests.map((d) => d.digest);
            const gone = listed.filter((digest) => !active.has(digest));
            const ghosts: string[] = [];
            for (const digest of listed.filter((d) => active.has(d))) {
                if (!(await isServed(digest))) {
                    ghosts.push(digest);
                }
            }
            const missing = listed.filter((d) => gone.includes(d) || ghosts.includes(d));
            if (missing.length === 0) {
                return undefined;
            }
            const where = ghosts.length === 0 ? "are gone" : gone.length === 0 ? "are not served by the registry (their versions are listed)" : "are gone or not served by the registry";
            return {
                ...base,
                problem: "missing-children",
                missing,
                reason: `${missing.length} of the ${listed.length} manifests its index lists ${where} (${missing.map((d) => d.slice(0, 19)).join(", ")}); pulling ${label(version)} fails with "manifest unknown".`,
            };
        }),
    );
    return found.filter((b): b is BrokenImage => b !== undefined).sort((a, b) => a.versionId - b.versionId);
}

function label(version: RetentionCandidate): string {
    const tags = version.tags.filter((t) => !isCosignTag(t));
    return tags.length > 0 ? tags.join(", ") : version.tags.join(", ");
}
