/**
 * The provider's messages as a command-line tool gives them. The provider's messages (errors.ts,
 * shared/config.ts, registry.ts) advise Pulumi programs: `pulumi config set --secret
 * github-packages:token`, `github-packages:apiUrl (or GITHUB_API_URL)`, a token rotated in stack
 * config. A command (`pulumi-github-packages inventory`) reads no stack config: it says what to
 * export or which flag to pass instead. The provider's messages stay as they are; the command
 * passes them through {@link forCommandLine}.
 */
import { CONFIG_NAMESPACE, PROTECT_ENV, PROTECT_KEY, REGISTRY_URL_SOURCE, SOURCES } from "../shared/config";
import { LIST_ALTERNATIVES, ROTATION_HINT } from "./errors";

/** A command's flags for settings that have one (the rest are named by their environment variable). */
export interface CommandFlags {
    /** Config keys (under `github-packages:`) to the flag that sets them, e.g. `registryUrl` to `--registry-url`. */
    [key: string]: string;
}

/** The flags of the inventory command. */
export const INVENTORY_FLAGS: CommandFlags = { [REGISTRY_URL_SOURCE.key]: "--registry-url" };

/**
 * Whole phrases of Pulumi advice and what a command says instead, applied before the settings'
 * names are rewritten. `tests/provider/github/command-line.test.ts` builds each message these
 * come from with the provider's own code, so a changed phrase fails there.
 */
const PHRASES: readonly (readonly [string, string])[] = [
    [` ${ROTATION_HINT}`, ""],
    [ROTATION_HINT, ""],
    [
        "Set a valid token with `pulumi config set --secret github-packages:token` or the GITHUB_TOKEN environment variable.",
        "Export a valid personal access token (classic) as GITHUB_TOKEN, e.g. GITHUB_TOKEN=$(gh auth token).",
    ],
    [
        "and set it with `pulumi config set --secret github-packages:token` or GITHUB_TOKEN; in a GitHub Actions workflow, the workflow's own GITHUB_TOKEN " +
            "(permissions: packages: write) also works for the packages its repository has access to.",
        "and export it as GITHUB_TOKEN (in a GitHub Actions workflow, from a secret: the workflow's own GITHUB_TOKEN cannot list an organization's packages).",
    ],
    [
        LIST_ALTERNATIVES,
        "The command lists the organization's packages: export GITHUB_TOKEN with a personal access token (classic) with read:packages " +
            "(in a workflow, from a secret), not the workflow's own token.",
    ],
    ["e.g. `tr -d '[:space:]' < token.txt | pulumi config set --secret github-packages:token` or GITHUB_TOKEN=", "e.g. export GITHUB_TOKEN="],
    ["Set the token with github-packages:token or GITHUB_TOKEN instead.", "Export the token as GITHUB_TOKEN instead."],
    ["run fewer operations at once (pulumi up --parallel 2) or let the provider wait longer", "let the command wait longer"],
    [`set it with \`pulumi config set ${CONFIG_NAMESPACE}:${PROTECT_KEY} '`, `set it with \`export ${PROTECT_ENV}='`],
];

/** Advice that names a program's function or a deletion, which a read-only command turns into its own (applied after {@link PHRASES}). */
const PATTERNS: readonly (readonly [RegExp, string])[] = [
    [
        / inspectToken\(\{ org: "[^"]*" \}\) tells what the token can do\./g,
        " GitHub lists a classic token's scopes in the X-OAuth-Scopes header of any API answer: curl -sI -H \"Authorization: Bearer $GITHUB_TOKEN\" <API URL> | grep -i x-oauth-scopes.",
    ],
    // The command deletes nothing, ever: "Nothing was deleted" would suggest it could have.
    [/ Nothing was (deleted|changed)\./g, ""],
];

/**
 * `message` with its Pulumi advice turned into a command's: whole phrases first, then each
 * setting named as `github-packages:key (or VARIABLE)` or `github-packages:key` becomes its
 * flag (and variable) or its environment variable.
 */
export function forCommandLine(message: string, flags: CommandFlags = INVENTORY_FLAGS): string {
    let text = message;
    for (const [pulumi, command] of PHRASES) {
        text = text.split(pulumi).join(command);
    }
    for (const [pulumi, command] of PATTERNS) {
        text = text.replace(pulumi, command);
    }
    const settings = [...Object.values(SOURCES), REGISTRY_URL_SOURCE, { key: PROTECT_KEY, env: PROTECT_ENV }];
    for (const { key, env } of settings) {
        const name = flags[key] ? `${flags[key]} (or ${env})` : env;
        text = text.split(`${CONFIG_NAMESPACE}:${key} (or ${env})`).join(name).split(`${CONFIG_NAMESPACE}:${key}`).join(name);
    }
    return text;
}
