/**
 * An inventory from the settings: the GitHub client and, when `details` may choose a container
 * package, the container registry's URL, both resolved (and checked) before any request, from
 * Pulumi config through `lookup` and then the environment (`GITHUB_TOKEN`, `GITHUB_API_URL`,
 * `GITHUB_PACKAGES_REGISTRY_URL`), as the resources resolve them; with a retention policy, the
 * provider's protect list too (`github-packages:protect`, `GITHUB_PACKAGES_PROTECT`).
 */
import { clientFor } from "../github/client";
import { registryClientFor } from "../github/registry";
import { ConfigLookup, resolveClientConfig, resolveRegistryUrl } from "../shared/config";
import { protectedGlobs } from "../shared/protection";
import { assertValid } from "../shared/validate";
import { collectInventory } from "./collect";
import { checkInventoryOptions, InventoryOptions, registriesOf } from "./options";
import { Inventory } from "./schema";

/** Reads the inventory with the client settings `lookup` and the environment give; `now` for tests. */
export async function runInventory(options: InventoryOptions, lookup: ConfigLookup = () => undefined, env: NodeJS.ProcessEnv = process.env, now?: Date): Promise<Inventory> {
    assertValid(checkInventoryOptions(options), "inventory arguments");
    const config = resolveClientConfig(lookup, env);
    const containers = (options.details ?? []).length > 0 && registriesOf(options).includes("container");
    const registryUrl = containers ? resolveRegistryUrl(lookup, env) : undefined;
    // A malformed protect list fails here, before any request, as it refuses every delete of the resources.
    const protect = options.policy === undefined ? [] : protectedGlobs(lookup, env);
    return collectInventory(options, {
        github: clientFor(config),
        manifests: registryUrl === undefined ? undefined : (org, name) => registryClientFor(config, registryUrl).forPackage(org, name),
        now,
        protect,
    });
}
