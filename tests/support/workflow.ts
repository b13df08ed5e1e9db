/**
 * Runs the shell of a GitHub Actions workflow's step as the runner would: the step's `run:`
 * script, read from the workflow file, with the runner's `shell: bash` (`bash --noprofile --norc
 * -eo pipefail`, which the workflows set as their default), with the
 * environment a test gives in place of `${{ ... }}` expressions, `$GITHUB_STEP_SUMMARY` and
 * `$RUNNER_TEMP` in a scratch directory. For the tests of the workflows users copy.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

/** One step of a workflow's job, as the file has it. */
export interface WorkflowStep {
    /** The step's name. */
    name?: string;
    /** Its `if:` condition. */
    if?: string;
    /** Its shell script. */
    run?: string;
    /** Its `env:`. */
    env?: Record<string, string>;
    /** Its action, for `uses:` steps. */
    uses?: string;
}

/** The step of `job` whose name starts with `name`; fails when there is none or it has no `run:`. */
export function workflowStep(file: string, job: string, name: string): WorkflowStep {
    const workflow = parse(readFileSync(file, "utf8")) as { jobs: Record<string, { steps: WorkflowStep[] }> };
    const step = workflow.jobs[job]?.steps.find((s) => s.name?.startsWith(name));
    if (!step?.run) {
        throw new Error(`${path.basename(file)} has no step "${name}..." with a run: script in job ${job}.`);
    }
    return step;
}

/** A runner's scratch directories: the job summary file and `$RUNNER_TEMP`. */
export interface Runner {
    /** `$GITHUB_STEP_SUMMARY`. */
    summary: string;
    /** `$RUNNER_TEMP`. */
    temp: string;
    /** The job summary written so far. */
    readSummary(): string;
    /** Removes the directories. */
    dispose(): void;
}

/** A fresh runner: an empty job summary and temp directory. */
export function createRunner(): Runner {
    const dir = mkdtempSync(path.join(tmpdir(), "pgp-runner-"));
    const summary = path.join(dir, "step-summary.md");
    const temp = path.join(dir, "temp");
    mkdirSync(temp);
    return {
        summary,
        temp,
        readSummary: () => {
            try {
                return readFileSync(summary, "utf8");
            } catch {
                return "";
            }
        },
        dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
}

/** What a step's script did. */
export interface StepRun {
    /** Its exit code. */
    code: number;
    /** What it wrote to stdout and stderr, interleaved. */
    output: string;
}

/** Runs the step's script as `shell: bash` does in `cwd`, with `env` over the process's environment and the runner's variables. */
export function runStep(step: WorkflowStep, runner: Runner, cwd: string, env: Record<string, string | undefined>): Promise<StepRun> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
            cwd,
            env: { ...process.env, ...env, GITHUB_STEP_SUMMARY: runner.summary, RUNNER_TEMP: runner.temp },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, output }));
    });
}
