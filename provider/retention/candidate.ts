/**
 * A package version as retention sees it: the fields the planner, the image graph and the
 * health check read. Its own module so that the planner and the image graph, which use each
 * other's results, both import it and neither imports the other's module for it.
 */
import { PackageVersionFields } from "../github/versions";

/** A version as the planner sees it. */
export type RetentionCandidate = Pick<PackageVersionFields, "versionId" | "name" | "tags" | "createdAt" | "updatedAt">;
