import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { Emulator } from "../../emulator";
import { CONFIG_NAMESPACE } from "../../provider/shared/config";
import { OrgPackageProvider } from "../../provider/org-package/provider";

/** Client settings that keep fault tests fast: short back-off, and a per-request timeout of 2 s (at 400 ms a page of 100 versions on a machine busy with two test workers can time out and be sent again, so a test counting requests sees one more; seen once). */
export const FAST_CLIENT = { retryBaseMs: "5", requestTimeoutMs: "2000", retries: "3" };

/** A dynamic-provider config bag, as the engine's host hands it to `configure`. */
export function configRequest(values: Record<string, string>): dynamic.ConfigureRequest {
    const get = (key: string) => values[key];
    return {
        config: {
            get,
            require: (key) => {
                const value = get(key);
                if (value === undefined) {
                    throw new Error(`missing ${key}`);
                }
                return value;
            },
        },
    };
}

/** A fresh provider (an `OrgPackageProvider` unless `make` says otherwise) configured for `emulator` with `token` and {@link FAST_CLIENT} settings. */
export async function providerFor<P extends dynamic.ResourceProvider = OrgPackageProvider>(
    emulator: Emulator,
    token: string,
    settings: Record<string, string> = {},
    make: () => P = () => new OrgPackageProvider() as unknown as P,
): Promise<P> {
    const provider = make();
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...FAST_CLIENT, apiUrl: emulator.url, token, ...settings })) {
        values[`${CONFIG_NAMESPACE}:${key}`] = value;
    }
    await provider.configure!(configRequest(values));
    return provider;
}

/** Resolves to the error `promise` rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected the call to fail, but it succeeded");
}
