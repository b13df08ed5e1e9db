/**
 * A program's own mistakes (an invalid argument, a package declared twice) as the engine shows
 * them: Pulumi's RunError, whose message `pulumi up` prints without the SDK's stack frames, so
 * the one line that names the field and the fix is what the user reads.
 */
import * as pulumi from "@pulumi/pulumi";
import { assertValid, InputFailure } from "../provider";

/** Throws a RunError listing every failure, one a line, when there are any. */
export function assertArgs(failures: InputFailure[], what: string): void {
    assertValid(failures, what, pulumi.RunError);
}

/** A program error: the message only, no stack frames. */
export function programError(message: string): Error {
    return new pulumi.RunError(message);
}
