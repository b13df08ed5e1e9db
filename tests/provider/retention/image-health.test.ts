import { strict as assert } from "node:assert";
import { findBrokenImages } from "../../../provider/retention/image-health";
import { Manifest, ManifestSource, OCI_INDEX, OCI_MANIFEST, RegistryError } from "../../../provider/github/registry";
import { RetentionCandidate } from "../../../provider/retention/candidate";

const at = "2025-01-01T00:00:00Z";
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const version = (versionId: number, name: string, tags: string[]): RetentionCandidate => ({ versionId, name, tags, createdAt: at, updatedAt: at });

/** A registry that answers the manifests given, and fails the others with `problem`. */
function source(manifests: Manifest[], failure: { problem: "not-found" | "unavailable" | "unauthorized"; status?: number }): ManifestSource {
    return {
        read: async (d) => {
            const found = manifests.find((m) => m.digest === d);
            if (found) {
                return found;
            }
            throw new RegistryError(`failed ${d}`, failure.problem, `GET http://127.0.0.1:1/v2/acme/web/manifests/${d}`, failure.status, d);
        },
    };
}

describe("provider/retention/image-health", () => {
    const child = version(1, digest("1"), []);
    const index = version(2, digest("2"), ["v1"]);
    const ghost = version(3, digest("3"), ["v2"]);
    const indexManifest: Manifest = { digest: index.name, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: child.name, size: 1 }, { mediaType: OCI_MANIFEST, digest: digest("9"), size: 1 }] };

    it("reports an index whose child is gone and a tag whose manifest the registry does not have (404)", async () => {
        const childManifest: Manifest = { digest: child.name, mediaType: OCI_MANIFEST, manifests: [] };
        const broken = await findBrokenImages([child, index, ghost], source([indexManifest, childManifest], { problem: "not-found", status: 404 }));
        assert.deepEqual(broken.map((b) => [b.versionId, b.problem, b.missing]), [
            [index.versionId, "missing-children", [digest("9")]],
            [ghost.versionId, "unreadable", []],
        ]);
    });

    it("reports an index whose child the REST API lists but the registry answers 404 for (a ghost child), asking with check (HEAD), not read", async () => {
        const asked: string[] = [];
        const registry = source([indexManifest], { problem: "not-found", status: 404 });
        const checked: ManifestSource = {
            read: (d) => {
                asked.push(`read ${d}`);
                return registry.read(d);
            },
            check: async (d) => {
                asked.push(`check ${d}`);
                await registry.read(d);
            },
        };
        const broken = await findBrokenImages([child, index], checked);
        assert.deepEqual(broken.map((b) => [b.versionId, b.problem, b.missing]), [[index.versionId, "missing-children", [child.name, digest("9")]]]);
        assert.match(broken[0].reason, /2 of the 2 manifests its index lists are gone or not served by the registry/);
        assert.deepEqual(asked, [`read ${index.name}`, `check ${child.name}`], "the child is asked about with check only, once");
    });

    for (const failure of [{ problem: "unavailable", status: 503 }, { problem: "unavailable" }, { problem: "unauthorized", status: 401 }] as const) {
        it(`fails instead of reporting drift when the registry is ${failure.problem} (${failure.status ?? "no answer"}): the image is not known to be broken`, async () => {
            await assert.rejects(findBrokenImages([child, index, ghost], source([indexManifest], failure)), (e: RegistryError) => e instanceof RegistryError && e.problem === failure.problem);
        });
    }
});
