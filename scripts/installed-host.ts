/**
 * Runs inside a scratch project that installed the packed package (see installed.ts), as a
 * child process: everything it loads (`@pulumi/pulumi`, the SDK) comes from that project's
 * node_modules, as in a user's stack. The parent drives it over IPC, one request at a time.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { OrgPackage, OrgPackageArgs, PackageVersionRetention, PackageVersionRetentionArgs } from "pulumi-github-packages";
import type { HostReply, HostRequest } from "./installed";

let stack: Stack | undefined;

async function handle(request: HostRequest): Promise<unknown> {
    if (request.op === "create") {
        const { packages, retentions = {} } = request;
        const program = async () => {
            const outputs: Record<string, unknown> = {};
            for (const [name, args] of Object.entries(packages)) {
                const pkg = new OrgPackage(name, args as OrgPackageArgs);
                outputs[name] = { status: pkg.status, visibility: pkg.visibility, versionCount: pkg.versionCount };
            }
            for (const [name, args] of Object.entries(retentions)) {
                outputs[name] = { deleted: new PackageVersionRetention(name, args as PackageVersionRetentionArgs).deleted };
            }
            return outputs;
        };
        stack = await LocalWorkspace.createStack(
            { stackName: request.stackName, projectName: "installed", program },
            { workDir: process.cwd(), envVars: request.envVars, projectSettings: { name: "installed", runtime: "nodejs" } },
        );
        await stack.setAllConfig(request.config);
        return null;
    }
    if (!stack) {
        throw new Error(`"${request.op}" before "create"`);
    }
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    switch (request.op) {
        case "up": {
            const result = await stack.up();
            return { seconds: seconds(), outputs: result.outputs };
        }
        case "refresh": {
            await stack.refresh();
            return { seconds: seconds() };
        }
        case "export":
            return (await stack.exportStack()).deployment;
        case "destroy": {
            await stack.destroy();
            return { seconds: seconds() };
        }
    }
}

process.on("message", (request: HostRequest) => {
    handle(request).then(
        (value) => process.send!({ ok: true, value } satisfies HostReply),
        (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies HostReply),
    );
});
