/**
 * Keeping the engine connection open while a component works: the engine ends a program once
 * its RPCs are done, not once a component's listing is, so a program that reads none of a
 * component's outputs could end before the component registered its resources.
 */
import * as pulumi from "@pulumi/pulumi";

/** Runs `work` with the engine connection held open until it settles. */
export async function whileConnected<T>(work: () => Promise<T>): Promise<T> {
    const done = pulumi.runtime.rpcKeepAlive();
    try {
        return await work();
    } finally {
        done();
    }
}
