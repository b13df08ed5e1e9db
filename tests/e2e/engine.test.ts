import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { createTestStack, TestStack } from "../support/pulumi";

/** A dynamic resource with no outside world: proves the engine, the CLI and the dynamic provider host work here. */
const counter: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: `counter-${inputs.start}`, outs: { value: inputs.start } };
    },
    async read(id, props) {
        return { id, props: { ...props, value: props.value + 1 } };
    },
};

class Counter extends pulumi.dynamic.Resource {
    declare readonly value: pulumi.Output<number>;
    constructor(name: string, start: number) {
        super(counter, name, { start, value: undefined }, {});
    }
}

describe("e2e: the Pulumi engine", function () {
    let test: TestStack;

    before(async () => {
        const version = execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim();
        console.log(`      pulumi CLI ${version} at ${execFileSync("which", ["pulumi"], { encoding: "utf8" }).trim()}`);
        test = await createTestStack({
            program: async () => {
                const c = new Counter("c", 41);
                return { value: c.value };
            },
        });
    });

    after(() => test?.dispose());

    it("runs up, refresh and destroy of a dynamic resource with the real CLI", async () => {
        const up = await test.stack.up();
        assert.equal(up.summary.resourceChanges?.create, 2, up.stdout);
        assert.equal(up.outputs.value.value, 41);

        await test.stack.refresh();
        assert.equal((await test.stack.outputs()).value?.value, 41, "outputs change only on the next up");
        const state = await test.stack.exportStack();
        const resource = state.deployment.resources.find((r: { type: string }) => r.type === "pulumi-nodejs:dynamic:Resource");
        assert.equal(resource.outputs.value, 42, "refresh stored what read returned");

        const destroy = await test.stack.destroy();
        assert.equal(destroy.summary.resourceChanges?.delete, 2, destroy.stdout);
        console.log(`      ${up.stdout.split("\n").filter((l) => /created|\+ /.test(l)).join("\n      ")}`);
    });
});
