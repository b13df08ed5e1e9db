/* eslint-disable @typescript-eslint/no-require-imports */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { VersionRetentionInputs, VersionRetentionProvider, VersionRetentionState } from "../provider";

/** The implementation, loaded by package name in whichever process runs the method. */
type Implementation = { sharedRetentionProvider(): VersionRetentionProvider };

/**
 * The provider object Pulumi serializes into state for every `PackageVersionRetention`: one-line
 * forwarders to the implementation, required by package name when a method runs (see
 * `sdk/shim.ts` for why: small state, no secrets, `require("pulumi-github-packages/retention-shim")`
 * once installed).
 */
const retentionShim: dynamic.ResourceProvider<VersionRetentionInputs, VersionRetentionState> = {
    configure: (r) => (require("pulumi-github-packages/provider") as Implementation).sharedRetentionProvider().configure(r),
    check: (o, n) => (require("pulumi-github-packages/provider") as Implementation).sharedRetentionProvider().check(o, n),
    diff: (i, o, n) => (require("pulumi-github-packages/provider") as Implementation).sharedRetentionProvider().diff(i, o, n),
    create: (n) => (require("pulumi-github-packages/provider") as Implementation).sharedRetentionProvider().create(n),
    read: (i, p) => (require("pulumi-github-packages/provider") as Implementation).sharedRetentionProvider().read(i, p),
    update: (i, o, n) => (require("pulumi-github-packages/provider") as Implementation).sharedRetentionProvider().update(i, o, n),
    delete: (i, p) => (require("pulumi-github-packages/provider") as Implementation).sharedRetentionProvider().delete(i, p),
};

export = retentionShim;
