import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { Emulator, PackageKey } from "../../emulator";
import { createEmulator, DEMO_SEED_PATH, readSeedFile } from "../../emulator";
import { TOKENS } from "../emulator/support";
import { printed } from "../support/plan";
import { createTestStack, REPO_ROOT, TestStack } from "../support/pulumi";

const EXAMPLE = path.join(REPO_ROOT, "examples", "version-retention");
const widgets: PackageKey = { org: "acme", packageType: "npm", name: "widgets" };
const gateway: PackageKey = { org: "acme", packageType: "container", name: "platform/api-gateway" };

/** A digest as the registry names a manifest. */
function digest(text: string): string {
    return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/** Name (or first tag, for images) to id of the package's active versions, read through the emulator's admin interface. */
function active(emulator: Emulator, key: PackageKey): Map<string, number> {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === key.org)!;
    const found = org.packages!.find((p) => p.name === key.name && p.packageType === key.packageType && !p.deletedAt)!;
    return new Map(found.versions!.filter((v) => !v.deletedAt).map((v) => [v.tags?.length ? v.tags.join(",") : v.name!, v.id!]));
}

describe("examples/version-retention (end to end: CLI in the project directory, emulator)", () => {
    let emulator: Emulator;
    let test: TestStack;

    beforeEach(async () => {
        // The clock runs at real time here: olderThan compares with the machine's clock.
        emulator = await createEmulator({ seed: readSeedFile(DEMO_SEED_PATH) });
        // Eight pre-releases of widgets, ten days apart, the newest 10 days old.
        emulator.admin.setNow(new Date(Date.now() - 80 * 86_400_000));
        for (let i = 1; i <= 8; i++) {
            emulator.admin.publishVersion(widgets, { name: `2.0.0-beta.${i}` });
            emulator.admin.advance("10d");
        }
        // Six pull-request images of the gateway, 30 to 25 days old; the first one is also tagged v3.3.0-rc.1.
        emulator.admin.setNow(new Date(Date.now() - 30 * 86_400_000));
        for (let i = 1; i <= 6; i++) {
            emulator.admin.publishVersion(gateway, { name: digest(`pr-${i}`), tags: i === 1 ? ["pr-1", "v3.3.0-rc.1"] : [`pr-${i}`] });
            emulator.admin.advance("1d");
        }
        emulator.admin.setNow(new Date());
        test = await createTestStack({
            program: { dir: EXAMPLE },
            config: {
                org: { value: "acme" },
                "github-packages:apiUrl": { value: emulator.url },
                "github-packages:token": { value: TOKENS.admin, secret: true },
                "github-packages:writesPerMinute": { value: "150" },
            },
        });
    });

    afterEach(async () => {
        test.dispose();
        await emulator.close();
    });

    it("previews each package's plan with rules and reasons, then up deletes exactly it", async () => {
        const widgetsBefore = active(emulator, widgets);
        const gatewayBefore = active(emulator, gateway);
        const preview = await test.stack.preview({ diff: true });
        // widgets: 10 versions, beta.1 to beta.8 ten days apart, the newest 10 days old. The five newest are kept
        // (beta.8, beta.7, 1.1.0, beta.6, beta.5); the pre-releases older than 30 days before them go.
        for (const beta of [1, 2, 3, 4]) {
            const entry = printed(preview.stdout, widgetsBefore.get(`2.0.0-beta.${beta}`));
            assert.equal(entry.rule, "olderThan and names");
            assert.match(entry.reason, new RegExp(`2\\.0\\.0-beta\\.${beta} is a pre-release; not among the 5 most recent versions$`));
        }
        assert.equal(printed(preview.stdout, widgetsBefore.get("2.0.0-beta.5")).rule, "keep-latest");
        // gateway: pr-2 to pr-4 go (older than 14 days, every tag matches); pr-5 and pr-6 are among the 3 newest
        // tagged images; pr-1 also carries a release tag, so it is not deleted (a partial match).
        const pr2 = printed(preview.stdout, gatewayBefore.get("pr-2"));
        assert.deepEqual([pr2.rule, pr2.tags], ["olderThan and tagged", ["pr-2"]]);
        assert.match(pr2.reason, /^created \d+ days ago \(olderThan 14d\); every tag matches \(pr-2\); not among the 3 most recent tagged versions$/);
        assert.equal(printed(preview.stdout, gatewayBefore.get("pr-4")).rule, "olderThan and tagged");
        assert.equal(printed(preview.stdout, gatewayBefore.get("pr-5")).rule, "keep-latest-tagged");
        const pr1 = printed(preview.stdout, gatewayBefore.get("pr-1,v3.3.0-rc.1"));
        assert.equal(pr1.rule, "partial-tag-match");
        assert.match(pr1.reason, /tags pr-1 match the tagged rule but v3\.3\.0-rc\.1 does not/);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-version-for-org"] ?? 0, 0, "the preview deletes nothing");

        const up = await test.stack.up();
        assert.deepEqual(
            [...widgetsBefore.keys()].filter((n) => !active(emulator, widgets).has(n)),
            ["2.0.0-beta.1", "2.0.0-beta.2", "2.0.0-beta.3", "2.0.0-beta.4"],
        );
        assert.deepEqual([...gatewayBefore.keys()].filter((n) => !active(emulator, gateway).has(n)), ["pr-2", "pr-3", "pr-4"]);
        assert.ok(active(emulator, gateway).has("latest,v3.2.0"), "the release image stays");
        assert.deepEqual((up.outputs.gatewayDeleted.value as { tags: string[] }[]).map((d) => d.tags), [["pr-2"], ["pr-3"], ["pr-4"]]);
        assert.ok((up.outputs.npmPackages.value as string[]).includes("npm/widgets"));

        const again = await test.stack.preview({ expectNoChanges: true });
        assert.equal(again.changeSummary?.update ?? 0, 0, "converged: the next preview has nothing to delete");
    });
});
