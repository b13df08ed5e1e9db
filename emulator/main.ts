/**
 * The emulator's command line:
 *
 *     ts-node emulator/main.ts [--port P] [--seed FILE] [--now INSTANT] [--tick] [--admin-token T] [--fault-seed N] [--latency MS] [--latency-jitter MS] [--enterprise-only]
 *
 * The seed defaults to emulator/seeds/demo.json. Prints the base URL (`http://127.0.0.1:P`) as the first and only line on stdout, so
 * scripts can read it; diagnostics go to stderr. Stops on SIGINT or SIGTERM.
 */
import { parseArgs } from "node:util";
import { DEMO_SEED_PATH, readSeedFile } from "./store/seed";
import { createEmulator } from "./server";

const USAGE = "Usage: main.ts [--port P] [--seed FILE] [--now INSTANT] [--tick] [--admin-token TOKEN] [--fault-seed N] [--latency MS] [--latency-jitter MS] [--enterprise-only]";

async function main(argv: string[]): Promise<void> {
    const { values } = parseArgs({
        args: argv,
        options: {
            port: { type: "string", default: "0" },
            seed: { type: "string", default: DEMO_SEED_PATH },
            now: { type: "string" },
            tick: { type: "boolean", default: false },
            "admin-token": { type: "string" },
            "fault-seed": { type: "string" },
            latency: { type: "string" },
            "latency-jitter": { type: "string" },
            "enterprise-only": { type: "boolean" },
            help: { type: "boolean", default: false },
        },
        strict: true,
    });
    if (values.help) {
        process.stderr.write(`${USAGE}\n`);
        return;
    }
    const emulator = await createEmulator({
        port: wholeNumber(values.port, "--port"),
        seed: readSeedFile(values.seed),
        now: values.now,
        tick: values.tick,
        adminToken: values["admin-token"],
        faultSeed: values["fault-seed"] === undefined ? undefined : wholeNumber(values["fault-seed"], "--fault-seed"),
        latencyMs: values.latency === undefined ? undefined : wholeNumber(values.latency, "--latency"),
        latencyJitterMs: values["latency-jitter"] === undefined ? undefined : wholeNumber(values["latency-jitter"], "--latency-jitter"),
        enterpriseOnly: values["enterprise-only"] === true ? true : undefined,
    });
    process.stdout.write(`${emulator.url}\n`);
    process.stderr.write(`GitHub Packages API emulator on ${emulator.url} (seed ${values.seed}); admin at ${emulator.url}/_emulator\n`);

    const stop = (): void => {
        emulator.close().then(
            () => process.exit(0),
            (error: Error) => {
                process.stderr.write(`${error.message}\n`);
                process.exit(1);
            },
        );
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
}

function wholeNumber(value: string, flag: string): number {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) {
        throw new Error(`${flag} must be a whole number, got "${value}"`);
    }
    return parsed;
}

main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(2);
});
