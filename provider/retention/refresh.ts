/**
 * `read` (refresh): keeps what the resource deleted (history), adds what a run killed midway
 * deleted without recording it (recover.ts), follows a package deleted and published again out
 * of band (identity.ts) and, for a container package, finds the tagged
 * images that would not pull (`brokenImages`, drift). A package gone leaves
 * the state as it is (the next preview says so); any other failure fails the refresh and
 * changes nothing.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isNotFound } from "../github/errors";
import { RegistryError } from "../github/registry";
import { PackageVersionFields, PackageVersionsApi } from "../github/versions";
import { CONFIG_NAMESPACE } from "../shared/config";
import { findBrokenImages } from "./image-health";
import { currentPackageId, followPackage } from "./identity";
import { withUnrecorded } from "./recover";
import { RetentionSession } from "./session";
import { retentionId, VersionRetentionState } from "./state";

/** Reads the retention's package again: its broken images, for container packages. */
export async function read(session: RetentionSession, id: string, props?: VersionRetentionState): Promise<dynamic.ReadResult<VersionRetentionState>> {
    if (!props) {
        return { id, props };
    }
    let versions: PackageVersionFields[];
    try {
        // A run killed midway deleted versions it could not record: record them, so restore can bring them back.
        props = await withUnrecorded(session, props, new Date());
        // The package that holds the name now: one deleted and published again (or restored by hand after
        // `delete-package`) is followed, and said; a package gone leaves the state as it is.
        const current = await currentPackageId(session, props);
        if (current !== null && current !== props.packageId) {
            props = { ...props };
            followPackage(props, props, current);
        }
        if (props.packageType !== "container") {
            return { id, props };
        }
        versions = await new PackageVersionsApi(session.github()).list(props, "active");
    } catch (error) {
        // A 404 that is a web page (apiUrl without /api/v3) is not "the package is gone".
        if (isNotFound(error)) {
            return { id, props };
        }
        throw error;
    }
    try {
        return { id, props: { ...props, brokenImages: await findBrokenImages(versions, session.manifests(props)) } };
    } catch (error) {
        if (!(error instanceof RegistryError)) {
            throw error;
        }
        const cause = error.message;
        throw new Error(
            `The refresh of ${retentionId(props)} could not check its images: ${cause} Nothing was changed in state. ` +
                `Check ${CONFIG_NAMESPACE}:registryUrl (now ${session.registryUrl()}) and ${CONFIG_NAMESPACE}:token (read:packages), or run again later.`,
        );
    }
}
