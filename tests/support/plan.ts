/** Reading a retention plan out of `pulumi preview --diff` output. */

/** One planned version as the preview prints it (fields in alphabetical order, each on its own line). */
export interface PrintedEntry {
    /** GitHub's id of the version. */
    id: number;
    /** The rule (deletions), what kept it (kept) or the refusal (blocked). */
    rule: string;
    /** The reason. */
    reason: string;
    /** The version's name. */
    version: string;
    /** Its tags, if printed. */
    tags: string[];
}

/**
 * The planned versions the preview printed, in order, across every list of every plan: each
 * object with an `id:` line, then `reason`, `rule`, `tags` (a list) and `version`. In a diff,
 * a changed field is printed `old => new`: the new value is read.
 */
export function printedEntries(stdout: string): PrintedEntry[] {
    const entries: PrintedEntry[] = [];
    const lines = stdout.split("\n");
    for (let i = 0; i < lines.length; i++) {
        // In a diff, lines carry a marker: "+" added, "~" changed, "-" the old plan's (skipped).
        const id = /^\s*(?:([-+~])\s+)?id\s*: (?:\d+ => )?(\d+)\s*$/.exec(lines[i]);
        if (!id || id[1] === "-") {
            continue;
        }
        const entry: PrintedEntry = { id: Number(id[2]), rule: "", reason: "", version: "", tags: [] };
        for (let j = i + 1; j < lines.length && !/^\s*}\s*$/.test(lines[j]); j++) {
            const field = /^\s*(?:[-+~]\s+)?(reason|rule|version)\s*: (?:".*" => )?"(.*)"\s*$/.exec(lines[j]);
            if (field) {
                entry[field[1] as "reason" | "rule" | "version"] = field[2];
            }
            const tag = /^\s*(?:[-+~]\s+)?\[\d+\]: "(.*)"\s*$/.exec(lines[j]);
            if (tag) {
                entry.tags.push(tag[1]);
            }
        }
        entries.push(entry);
    }
    return entries;
}

/** The printed entry of version `id`, failing when the preview did not print it. */
export function printed(stdout: string, id: number | undefined): PrintedEntry {
    const found = printedEntries(stdout).find((e) => e.id === id);
    if (!found) {
        throw new Error(`the preview does not show version ${id}:\n${stdout}`);
    }
    return found;
}
