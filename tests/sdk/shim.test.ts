import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import retentionShim = require("../../sdk/retention-shim");
import orgPackageShim = require("../../sdk/shim");

describe("sdk/shim", () => {
    for (const [what, shim] of [["OrgPackage's", orgPackageShim], ["PackageVersionRetention's", retentionShim]] as const) {
        it(`${what} serializes to a small closure with no token and no Octokit`, async () => {
            const token = "ghp_shimSerializationCanary0000000000000";
            process.env.GITHUB_TOKEN = token;
            try {
                // The same call the SDK's dynamic.Resource makes for every resource.
                const { text } = await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true });
                console.log(`      serialized provider: ${text.length} bytes`);
                assert.ok(text.length < 4096, `serialized provider is ${text.length} bytes`);
                assert.ok(!text.includes(token), "the token must not be serialized");
                assert.ok(!/octokit/i.test(text), "Octokit must be loaded at call time, not captured");
                assert.match(text, /require\("pulumi-github-packages\/provider"\)|pulumi-github-packages\/provider/);
            } finally {
                delete process.env.GITHUB_TOKEN;
            }
        });
    }
});
