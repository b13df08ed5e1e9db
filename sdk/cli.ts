#!/usr/bin/env node
/**
 * The `pulumi-github-packages` command (package.json `bin`): `inventory`, which prints what an
 * organization's registries hold as Markdown (for `$GITHUB_STEP_SUMMARY`) or JSON. Flags are
 * checked before any request, each error naming the flag and the fix; the token comes from
 * `GITHUB_TOKEN` only and never appears in what it prints. Exit codes: 0 done, 1 failed, 2 bad usage.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { forCommandLine } from "../provider/github/command-line";
import { runInventory } from "../provider/inventory/run";
import { FORMATS, Format, renderInventory } from "../provider/inventory/render";
import { checkInventoryOptions, InventoryOptions } from "../provider/inventory/options";
import { scrub } from "../provider/shared/messages";
import { PackageType } from "../provider/shared/types";

/** The usage text `--help` prints. */
export const USAGE = `Usage: pulumi-github-packages inventory --org <login> [options]

Prints what an organization's package registries hold, per package. Reads only; deletes nothing.

Options:
  --org <login>          the organization (required)
  --format <format>      markdown (default; fits $GITHUB_STEP_SUMMARY) or json (docs/inventory.md)
  --type <registry>      only this registry: npm, maven, rubygems, docker, nuget, container (repeatable; default all)
  --details <glob>       read the versions of the packages matching this type/name glob, e.g. "container/*" (repeatable);
                         container packages' manifests are read too (each read counts as a download on GitHub)
  --registry-url <url>   the container registry (default $GITHUB_PACKAGES_REGISTRY_URL, else https://ghcr.io)
  --policy <file>        a retention policy (JSON, the policy of PackageVersionRetention): report what it would delete
                         and free in each package --details reads; plans only, deletes nothing
  -h, --help             this text

Environment: GITHUB_TOKEN (a personal access token (classic) with read:packages), GITHUB_API_URL (default
https://api.github.com), GITHUB_PACKAGES_PROTECT (the provider's protect list, with --policy).
`;

/** A usage error: exit code 2, the message and a pointer to --help. */
export class UsageError extends Error {
    override readonly name = "UsageError";
}

/** What the command line asks for. */
export interface CommandLine {
    /** The inventory's arguments. */
    options: InventoryOptions;
    /** The output format. */
    format: Format;
    /** `--registry-url`, when given. */
    registryUrl?: string;
    /** `--help`. */
    help: boolean;
}

const FLAGS = {
    org: { type: "string" },
    format: { type: "string" },
    type: { type: "string", multiple: true },
    details: { type: "string", multiple: true },
    "registry-url": { type: "string" },
    policy: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

/** Parses and checks the arguments after the command name; a {@link UsageError} names the flag and the fix. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
    const [command, ...rest] = argv;
    if (command === "-h" || command === "--help" || command === undefined) {
        if (command === undefined) {
            throw new UsageError(`a command is missing: run "pulumi-github-packages inventory --org <login>".`);
        }
        return { options: { org: "" }, format: "markdown", help: true };
    }
    if (command !== "inventory") {
        throw new UsageError(`unknown command ${JSON.stringify(command)}: the only command is "inventory", e.g. "pulumi-github-packages inventory --org acme".`);
    }
    let values: { [K in keyof typeof FLAGS]?: (typeof FLAGS)[K] extends { multiple: true } ? string[] : (typeof FLAGS)[K]["type"] extends "boolean" ? boolean : string };
    try {
        ({ values } = parseArgs({ args: [...rest], options: FLAGS, strict: true, allowPositionals: false }));
    } catch (error) {
        throw new UsageError(flagProblem(error as Error & { code?: string }));
    }
    if (values.help) {
        return { options: { org: "" }, format: "markdown", help: true };
    }
    if (values.org === undefined) {
        throw new UsageError(`--org is required: name the organization, e.g. --org acme.`);
    }
    const format = values.format ?? "markdown";
    if (!(FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format must be ${FORMATS.join(" or ")}, got ${JSON.stringify(format)}.`);
    }
    const options: InventoryOptions = { org: values.org };
    if (values.type !== undefined) {
        options.packageTypes = values.type as PackageType[];
    }
    if (values.details !== undefined) {
        options.details = values.details;
    }
    if (values.policy !== undefined) {
        options.policy = readPolicy(values.policy);
    }
    const failures = checkInventoryOptions(options);
    if (failures.length > 0) {
        // One problem per line when there are several (a policy that does not fit three registries), the policy's file named once.
        const allPolicy = failures.every((f) => f.property.startsWith("policy"));
        const reasons = failures.map((f) => (f.property.startsWith("policy") && !allPolicy ? `--policy ${values.policy}: ${asFlag(f.reason)}` : asFlag(f.reason)));
        const head = allPolicy ? `--policy ${values.policy}: ` : "";
        throw new UsageError(reasons.length === 1 ? `${head}${reasons[0]}` : `${head}${reasons.length} problems:\n  - ${reasons.join("\n  - ")}`);
    }
    if (values["registry-url"] !== undefined && values["registry-url"] === "") {
        throw new UsageError(`--registry-url must be a URL such as https://ghcr.io, got an empty value.`);
    }
    return { options, format: format as Format, registryUrl: values["registry-url"], help: false };
}

/** The retention policy in the JSON file `file`; a {@link UsageError} when it cannot be read or is not JSON (the policy itself is checked with the other options). */
function readPolicy(file: string): InventoryOptions["policy"] {
    if (file === "") {
        throw new UsageError(`--policy needs a file, e.g. --policy policy.json holding { "olderThan": "30d", "tagged": { "include": ["pr-*"] } }.`);
    }
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(`--policy ${file} cannot be read (${code ?? (error as Error).message}): give the path of a JSON file holding the retention policy.`);
    }
    try {
        return JSON.parse(text) as InventoryOptions["policy"];
    } catch (error) {
        throw new UsageError(`--policy ${file} is not JSON (${(error as Error).message}): write the policy as JSON, e.g. { "olderThan": "30d", "tagged": { "include": ["pr-*"] } }.`);
    }
}

/** A failure of the inventory's arguments, in the flags' words (`packageTypes[1]` is `--type`, `details[0]` is `--details`). */
function asFlag(reason: string): string {
    return reason
        .replace(/^org must/, "--org must")
        .replace(/\bpackageTypes\[\d+\] must be one of/, "--type must be one of")
        .replace(/\bpackageTypes lists/, "--type lists")
        .replace(/\bdetails\[\d+\]/g, "--details")
        .replace(/add details, e\.g\. details: \["container\/\*\*"\], or remove policy/, `add --details, e.g. --details "container/**"`)
        .replace(/\b[dD]etails ("[^"]*") chooses/g, "--details $1 chooses")
        .replace(/packages: narrow details or packageTypes to/, "packages: narrow --details or --type to");
}

/** parseArgs's errors in this command's words. */
function flagProblem(error: Error & { code?: string }): string {
    const known = Object.keys(FLAGS).map((f) => `--${f}`).join(", ");
    const flag = /'(-[^']*)'/.exec(error.message)?.[1];
    switch (error.code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
            return `unknown flag ${flag ?? error.message}; the flags are ${known} (see --help).`;
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
            const name = flag?.split(/[ ,]/)[0] ?? "a flag";
            return /ambiguous/.test(error.message)
                ? `${name} is followed by a value starting with "-"; if it is the value, write ${name}=<value> (see --help).`
                : `${name} needs a value, e.g. --org acme (see --help).`;
        }
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ""}: every value follows its flag, e.g. --type container --details "container/*".`;
        default:
            return error.message;
    }
}

/** Runs the command with `argv` (after `node cli.js`), writing to `out` and `err`; resolves to the exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, out: (text: string) => void, err: (text: string) => void): Promise<number> {
    const secrets = [env.GITHUB_TOKEN];
    let line: CommandLine;
    try {
        line = parseCommandLine(argv);
    } catch (error) {
        err(`pulumi-github-packages: ${scrub((error as Error).message, secrets)}\n`);
        return 2;
    }
    if (line.help) {
        out(USAGE);
        return 0;
    }
    if ((env.GITHUB_TOKEN ?? "").trim() === "") {
        err(
            "pulumi-github-packages inventory: GITHUB_TOKEN is not set: export a personal access token (classic) with read:packages, e.g. GITHUB_TOKEN=$(gh auth token); " +
                "in a workflow, from a secret (the workflow's own GITHUB_TOKEN cannot list an organization's packages); nothing was read.\n",
        );
        return 2;
    }
    try {
        const inventory = await runInventory(line.options, (key) => (key === "registryUrl" ? line.registryUrl : undefined), env);
        out(renderInventory(inventory, line.format));
        return 0;
    } catch (error) {
        // The provider's messages advise Pulumi config; the command says what to export or pass.
        err(`pulumi-github-packages inventory: ${scrub(forCommandLine(error instanceof Error ? error.message : String(error)), secrets)}\n`);
        return 1;
    }
}

if (require.main === module) {
    // A reader that stops early (`inventory ... | head`) closes the pipe: that ends the command quietly, as for other Unix tools.
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE") {
            throw error;
        }
        process.exit(0);
    });
    main(process.argv.slice(2), process.env, (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then((code) => {
        process.exitCode = code;
    });
}
