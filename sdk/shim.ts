/* eslint-disable @typescript-eslint/no-require-imports */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { OrgPackageInputs, OrgPackageProvider, OrgPackageState } from "../provider";

/** The implementation, loaded by package name in whichever process runs the method. */
type Implementation = { sharedProvider(): OrgPackageProvider };

/**
 * The provider object Pulumi serializes into state for every `OrgPackage` (twice: inputs and
 * outputs). It holds nothing but one-line forwarders: the implementation (Octokit and its
 * plugins) is required by package name when a method runs, and the token is read from config
 * then. Each forwarder names the package itself because every captured variable would add
 * its own wrapper to the serialized text; this keeps state small and free of secrets.
 *
 * The object is this module's whole export: when the package is installed under node_modules,
 * Pulumi's closure serializer recognises it and stores `require("pulumi-github-packages/shim")`
 * (the provider is then 267 bytes) instead of the forwarders' text.
 */
const orgPackageShim: dynamic.ResourceProvider<OrgPackageInputs, OrgPackageState> = {
    configure: (r) => (require("pulumi-github-packages/provider") as Implementation).sharedProvider().configure(r),
    check: (o, n) => (require("pulumi-github-packages/provider") as Implementation).sharedProvider().check(o, n),
    diff: (i, o, n) => (require("pulumi-github-packages/provider") as Implementation).sharedProvider().diff(i, o, n),
    create: (n) => (require("pulumi-github-packages/provider") as Implementation).sharedProvider().create(n),
    read: (i, p) => (require("pulumi-github-packages/provider") as Implementation).sharedProvider().read(i, p),
    update: (i, o, n) => (require("pulumi-github-packages/provider") as Implementation).sharedProvider().update(i, o, n),
    delete: (i, p) => (require("pulumi-github-packages/provider") as Implementation).sharedProvider().delete(i, p),
};

export = orgPackageShim;
