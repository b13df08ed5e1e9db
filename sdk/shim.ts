import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { OrgPackageInputs, OrgPackageProvider, OrgPackageState } from "../provider";

/** The package name the engine's dynamic provider host loads the implementation by. */
const IMPLEMENTATION = "pulumi-github-packages/provider";

/**
 * The provider object Pulumi serializes into state for every `OrgPackage`. It holds no
 * code but these forwarders and no values at all: the implementation (Octokit and its
 * plugins) is required by package name when a method runs, and the token is read from
 * config then. So state stays small and never sees a secret.
 */
export const orgPackageShim: dynamic.ResourceProvider<OrgPackageInputs, OrgPackageState> = {
    configure: (req) => implementation().configure(req),
    check: (olds, news) => implementation().check(olds, news),
    diff: (id, olds, news) => implementation().diff(id, olds, news),
    create: (inputs) => implementation().create(inputs),
    read: (id, props) => implementation().read(id, props),
    update: (id, olds, news) => implementation().update(id, olds, news),
    delete: (id, props) => implementation().delete(id, props),
};

function implementation(): OrgPackageProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(IMPLEMENTATION).sharedProvider();
}
