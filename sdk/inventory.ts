/**
 * The inventory function: what an organization's registries hold, per package, read once and
 * never changed. In a Pulumi program it takes the client settings from the stack's
 * `github-packages:*` config; in a script, from `GITHUB_TOKEN`, `GITHUB_API_URL` and
 * `GITHUB_PACKAGES_REGISTRY_URL`. docs/inventory.md describes the document it returns.
 */
import * as pulumi from "@pulumi/pulumi";
import { runInventory } from "../provider/inventory/run";
import type { InventoryOptions } from "../provider/inventory/options";
import type { Inventory } from "../provider/inventory/schema";
import { stackConfig } from "./functions";

/** The arguments of {@link inventory}. */
export type InventoryArgs = InventoryOptions;

/**
 * Reads the inventory of an organization: per registry and package, visibility, repository,
 * version count and dates (one request per 100 packages per registry) and, for the packages
 * `details` chooses (globs over `type/name`), version ages, untagged versions and, for container
 * packages, broken images, orphaned signatures and bytes (one request per 100 versions, and a
 * manifest read per version, which GitHub counts as a download). With `policy` (a retention
 * policy), also what it would delete, block and free in each package read in detail, planned by
 * the retention's planner from those reads. Deletes nothing.
 */
export function inventory(args: InventoryArgs): Promise<Inventory> {
    return runInventory(args, stackConfig());
}

/** {@link inventory} for Output arguments. */
export function inventoryOutput(args: pulumi.Input<InventoryArgs>): pulumi.Output<Inventory> {
    return pulumi.output(args).apply((a) => inventory(a as InventoryArgs));
}
