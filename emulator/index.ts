/**
 * The GitHub Packages API emulator: a stateful local GitHub REST server for organization
 * packages and the container registry (ghcr.io) beside it, with an admin interface, an
 * injectable clock, rate limits and fault injection.
 *
 *     const emulator = await createEmulator({ seed: readSeedFile(DEMO_SEED_PATH), now: "2025-06-01T00:00:00Z" });
 *     const octokit = new Octokit({ auth: "ghp_emulator_admin", baseUrl: emulator.url });
 *     emulator.admin.advance("30d");
 *     await emulator.close();
 */
export { AdminError, EmulatorAdmin } from "./admin/admin";
export { ADMIN_ROUTES } from "./admin/routes";
export { Clock, formatInstant, parseDuration, parseInstant } from "./store/clock";
export { ADMIN_PREFIX, DEFAULT_OPTIONS, HOST } from "./defaults";
export { DOCS, GITHUB, MESSAGES, REPOSITORY_SCOPED_TYPES, isRepositoryScoped } from "./rest/github";
export { ROUTES } from "./rest/routes";
export { PULL_ACCEPT, REGISTRY_ERRORS, REGISTRY_SERVICE, isRegistryPath } from "./registry/api";
export type { RegistryErrorCode } from "./registry/api";
export { pullImage } from "./registry/pull";
export type { PullFailure, PullOptions, PullResult } from "./registry/pull";
export { REGISTRY_TOKEN_SECONDS } from "./registry/tokens";
export { ATTESTATION_ANNOTATIONS, MANIFEST_MEDIA_TYPES, MEDIA_TYPES, canonicalJson, cosignTag, referrersTag, sha256Digest } from "./store/manifests";
export { DEMO_SEED_PATH, SeedError, readSeedFile, validateSeed } from "./store/seed";
export { createEmulator } from "./server";
export type { Emulator } from "./server";
export * from "./types";
