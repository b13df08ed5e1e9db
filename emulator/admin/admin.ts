/**
 * The admin interface, in process: what tests and scripts do to the emulated GitHub behind
 * the provider's back (publish, flip visibility, delete, set downloads, push and break container images), plus the clock,
 * the request log, fault injection and rate limits. The HTTP admin routes (admin/routes.ts)
 * call these same methods.
 */
import { EmulatorCore } from "../core";
import { AdminError } from "./errors";
import { ImageAdmin } from "./images";
import { InstallationTokenInput, TokenAdmin, TokenInfo } from "./tokens";
import { FaultSpecError } from "../traffic/faults";
import { visibilityProblem } from "../rest/github";
import { packageSnapshot, versionSnapshot } from "../store/state";
import {
    ActionsRole,
    FaultRule,
    FaultSpec,
    ImageKey,
    ManifestInfo,
    ManifestState,
    PushIndexInput,
    PushImageInput,
    PushReferrerInput,
    PushSignatureInput,
    PushedImage,
    PushedManifest,
    OrgRecord,
    PACKAGE_TYPES,
    PackageKey,
    PackageRecord,
    PublishPackageInput,
    PublishVersionInput,
    RateLimitOverride,
    RateLimitStatus,
    RequestLogSnapshot,
    Seed,
    SeedPackage,
    SeedToken,
    SeedVersion,
    TokenRecord,
    VISIBILITIES,
    Visibility,
    VersionRecord,
} from "../types";

export { AdminError } from "./errors";

/** Controls one emulator. Every method changes the state synchronously. */
export class EmulatorAdmin {
    private readonly images: ImageAdmin;
    private readonly tokens: TokenAdmin;

    constructor(private readonly core: EmulatorCore) {
        this.images = new ImageAdmin(core);
        this.tokens = new TokenAdmin(core);
    }

    /** Adds (or replaces) a token of any kind, described as in a seed (admin/tokens.ts). */
    addToken(input: SeedToken): TokenInfo {
        return this.tokens.addToken(input);
    }

    /** Issues a `ghs_` installation token (about 520 characters) for the workflows of a repository, `org/name`. */
    issueInstallationToken(input: InstallationTokenInput): TokenInfo {
        return this.tokens.issueInstallationToken(input);
    }

    /** Sets (or, with null, removes) a repository's role on a package: its "Manage Actions access" settings. */
    setActionsAccess(key: PackageKey, repository: string, role: ActionsRole | null): void {
        this.tokens.setActionsAccess(key, repository, role);
    }

    /** Turns SAML SSO enforcement of an organization on or off. */
    setSamlSso(org: string, enforced: boolean): void {
        this.tokens.setSamlSso(org, enforced);
    }

    /** Authorizes a token for an organization's SAML SSO. */
    authorizeSso(token: string, org: string): void {
        this.tokens.authorizeSso(token, org);
    }

    /** Replaces the whole state with `seed` (see {@link EmulatorCore.loadSeed}); throws `SeedError` when it is invalid. */
    loadSeed(seed: Seed): void {
        this.core.loadSeed(seed);
    }

    /** Back to a fresh start with the last seed: state, clock, rate limits, faults and request log, as after a restart. */
    reset(): void {
        this.core.reset();
    }

    /** The state as a seed, every id and instant explicit (plus the clock as `now`); loading it gives this state again. */
    snapshot(): Seed {
        return { now: new Date(this.core.clock.now()).toISOString(), ...this.core.store().snapshot() };
    }

    /** Publishes a new package in `org` (as a push to the registry would), taking the name even if a deleted package had it. */
    publishPackage(org: string, input: PublishPackageInput): SeedPackage {
        checkPublishPackage(input);
        const orgRecord = this.org(org);
        const key = { org, packageType: input.packageType, name: input.name };
        if (this.core.store().activePackage(key)) {
            throw new AdminError(409, `${describe(key)} already exists; publish a version of it instead`);
        }
        return packageSnapshot(this.core.store().addPackage(orgRecord, input, this.core.clock.now()));
    }

    /** Publishes a new version of an existing package; the package's updated_at moves to now. */
    publishVersion(key: PackageKey, input: PublishVersionInput = {}): SeedVersion {
        checkPublishVersion(input, "version");
        return versionSnapshot(this.core.store().addVersion(this.package(key), input, this.core.clock.now()));
    }

    /** Makes a package public, private or (in registries with granular permissions) internal. */
    setVisibility(key: PackageKey, visibility: Visibility): SeedPackage {
        if (!VISIBILITIES.includes(visibility)) {
            throw new AdminError(400, `visibility must be one of ${VISIBILITIES.join(", ")}`);
        }
        const pkg = this.package(key);
        const problem = visibilityProblem(pkg.packageType, visibility);
        if (problem) {
            throw new AdminError(400, `visibility: ${problem}`);
        }
        pkg.visibility = visibility;
        return packageSnapshot(pkg);
    }

    /** Links a package to a repository of its organization (created when missing), or unlinks it with null. */
    setRepository(key: PackageKey, repository: string | null): SeedPackage {
        if (repository !== null && (typeof repository !== "string" || repository === "")) {
            throw new AdminError(400, "repository must be a non-empty string, or null to unlink");
        }
        const pkg = this.package(key);
        if (repository !== null) {
            this.core.store().ensureRepository(this.org(key.org), repository, pkg.visibility !== "public");
        }
        pkg.repository = repository ?? undefined;
        return packageSnapshot(pkg);
    }

    /** Deletes a package without GitHub's rules (as someone in the web UI might); returns it with its restore token. */
    deletePackage(key: PackageKey): SeedPackage {
        const pkg = this.package(key);
        this.core.store().deletePackage(pkg, this.core.clock.now());
        return packageSnapshot(pkg);
    }

    /** Deletes a version without GitHub's rules. */
    deleteVersion(key: PackageKey, versionId: number): SeedVersion {
        const version = this.version(key, versionId);
        version.deletedAt = this.core.clock.now();
        return versionSnapshot(version);
    }

    /** Sets a version's download count (the delete rules look at it; GitHub's API does not show it). */
    setDownloads(key: PackageKey, versionId: number, downloads: number): SeedVersion {
        if (!Number.isInteger(downloads) || downloads < 0) {
            throw new AdminError(400, "downloads must be a whole number >= 0");
        }
        const version = this.version(key, versionId);
        version.downloads = downloads;
        return versionSnapshot(version);
    }

    /** Pushes a single-platform image to the registry (creating the container package on the first push); tags move to it. */
    pushImage(image: ImageKey, input: PushImageInput = {}): PushedImage {
        return this.images.pushImage(image, input);
    }

    /** Pushes a multi-arch image: untagged children per platform (plus buildx attestations), then the tagged index. */
    pushIndex(image: ImageKey, input: PushIndexInput = {}): PushedImage {
        return this.images.pushIndex(image, input);
    }

    /** Pushes a cosign signature (`sha256-<hex>.sig`) or attestation (`.att`) of the manifest `subject`. */
    pushSignature(image: ImageKey, subject: string, input: PushSignatureInput = {}): PushedManifest {
        return this.images.pushSignature(image, subject, input);
    }

    /** Pushes an OCI 1.1 referrer of `subject` (a manifest with `subject`), with the referrers tag schema's index by default. */
    pushReferrer(image: ImageKey, subject: string, input: PushReferrerInput = {}): PushedImage {
        return this.images.pushReferrer(image, subject, input);
    }

    /** Points `tag` at the manifest `digest`, taking it from the version that had it. */
    tagImage(image: ImageKey, digest: string, tag: string): ManifestInfo {
        return this.images.tag(image, digest, tag);
    }

    /** Removes `tag` from the image. */
    untagImage(image: ImageKey, tag: string): ManifestInfo {
        return this.images.untag(image, tag);
    }

    /** The manifest a tag or digest names: digest, version id, tags, media type, state, JSON, downloads. */
    manifest(image: ImageKey, reference: string): ManifestInfo {
        return this.images.manifest(image, reference);
    }

    /** Removes (`missing`), corrupts (`corrupt`) or restores (`present`) one manifest in the registry while its REST version stays. */
    setManifestState(image: ImageKey, digest: string, state: ManifestState): ManifestInfo {
        return this.images.setManifestState(image, digest, state);
    }

    /** Serves one manifest with another media type (bytes and digest unchanged), e.g. one no client accepts. */
    setManifestMediaType(image: ImageKey, digest: string, mediaType: string): ManifestInfo {
        return this.images.setManifestMediaType(image, digest, mediaType);
    }

    /** The emulator time. */
    now(): Date {
        return new Date(this.core.clock.now());
    }

    /** Sets the clock: a Date, epoch ms, ISO 8601, `now` or a relative duration such as `-1h`. */
    setNow(instant: Date | number | string): Date {
        return new Date(this.clockCall(() => this.core.clock.set(instant)));
    }

    /** Moves the clock forward (or back, with a negative duration): `30d`, `90m`, or milliseconds. */
    advance(duration: string | number): Date {
        return new Date(this.clockCall(() => this.core.clock.advance(duration)));
    }

    /** The request log: counts per OpenAPI operation and the entries. */
    requests(): RequestLogSnapshot {
        return this.core.log.snapshot();
    }

    /** Empties the request log. */
    resetRequests(): void {
        this.core.log.reset();
    }

    /** Installs a fault rule; throws {@link AdminError} (400) when the spec is invalid. */
    addFault(spec: FaultSpec): FaultRule {
        try {
            return this.core.faults.add(spec);
        } catch (error) {
            if (error instanceof FaultSpecError) {
                throw new AdminError(400, error.message);
            }
            throw error;
        }
    }

    /** Removes a fault rule; false when there is none with that id. */
    removeFault(id: string): boolean {
        return this.core.faults.remove(id);
    }

    /** Removes every fault rule and restarts the fault PRNG. */
    clearFaults(): void {
        this.core.faults.clear();
    }

    /** The installed fault rules, with how often each matched and fired. */
    faults(): FaultRule[] {
        return this.core.faults.list();
    }

    /** The rate limit of a token (by its secret), without counting a request. */
    rateLimit(token: string): RateLimitStatus {
        const record = this.token(token);
        return this.core.limiter.status(record.token, record.rateLimit, this.core.clock.now());
    }

    /** Changes a token's limit, or how many requests it has left in the current window. */
    setRateLimit(token: string, change: RateLimitOverride): RateLimitStatus {
        for (const [name, value] of Object.entries(change)) {
            if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
                throw new AdminError(400, `${name} must be a whole number >= 0`);
            }
        }
        const record = this.token(token);
        return this.core.limiter.override(record.token, record.rateLimit, change, this.core.clock.now());
    }

    /** Starts every rate-limit budget over. */
    resetRateLimits(): void {
        this.core.limiter.reset();
    }

    private org(login: string): OrgRecord {
        const org = this.core.store().org(login);
        if (!org) {
            throw new AdminError(404, `No organization ${login}`);
        }
        return org;
    }

    private package(key: PackageKey): PackageRecord {
        this.org(key.org);
        const pkg = this.core.store().activePackage(key);
        if (!pkg) {
            throw new AdminError(404, `No active package ${describe(key)}`);
        }
        return pkg;
    }

    private version(key: PackageKey, versionId: number): VersionRecord {
        const version = this.package(key).versions.find((candidate) => candidate.id === versionId);
        if (!version) {
            throw new AdminError(404, `No version ${versionId} of ${describe(key)}`);
        }
        return version;
    }

    private token(secret: string): TokenRecord {
        const record = this.core.store().token(secret);
        if (!record) {
            throw new AdminError(404, "No such token");
        }
        return record;
    }

    private clockCall(move: () => number): number {
        try {
            return move();
        } catch (error) {
            throw new AdminError(400, (error as Error).message);
        }
    }
}

function describe(key: PackageKey): string {
    return `${key.org}/${key.packageType}/${key.name}`;
}

function checkPublishPackage(input: PublishPackageInput): void {
    if (typeof input !== "object" || input === null) {
        throw new AdminError(400, "The package must be an object");
    }
    if (typeof input.name !== "string" || input.name === "") {
        throw new AdminError(400, "name must be a non-empty string");
    }
    if (!PACKAGE_TYPES.includes(input.packageType)) {
        throw new AdminError(400, `packageType must be one of ${PACKAGE_TYPES.join(", ")}`);
    }
    if (input.visibility !== undefined && !VISIBILITIES.includes(input.visibility)) {
        throw new AdminError(400, `visibility must be one of ${VISIBILITIES.join(", ")}`);
    }
    const problem = input.visibility === undefined ? undefined : visibilityProblem(input.packageType, input.visibility);
    if (problem) {
        throw new AdminError(400, `visibility: ${problem}`);
    }
    if (input.repository !== undefined && (typeof input.repository !== "string" || input.repository === "")) {
        throw new AdminError(400, "repository must be a non-empty string");
    }
    if (input.versions !== undefined) {
        if (!Array.isArray(input.versions)) {
            throw new AdminError(400, "versions must be an array");
        }
        input.versions.forEach((version, i) => checkPublishVersion(version, `versions[${i}]`));
    }
}

function checkPublishVersion(input: PublishVersionInput, path: string): void {
    if (typeof input !== "object" || input === null) {
        throw new AdminError(400, `${path} must be an object`);
    }
    for (const key of ["name", "license", "description"] as const) {
        if (input[key] !== undefined && (typeof input[key] !== "string" || input[key] === "")) {
            throw new AdminError(400, `${path}.${key} must be a non-empty string`);
        }
    }
    if (input.downloads !== undefined && !(Number.isInteger(input.downloads) && input.downloads >= 0)) {
        throw new AdminError(400, `${path}.downloads must be a whole number >= 0`);
    }
    if (input.tags !== undefined && !(Array.isArray(input.tags) && input.tags.every((tag) => typeof tag === "string"))) {
        throw new AdminError(400, `${path}.tags must be an array of strings`);
    }
}
