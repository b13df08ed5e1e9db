/**
 * The dynamic provider behind `PackageVersionRetention`: the retention of one package's
 * versions as a Pulumi resource. Each operation lives in its own module and reads on one screen:
 * `check.ts` (validate, list and plan: what the preview shows; `diff`), `update.ts` (delete
 * what that plan named), `restore.ts` (bring back what the resource deleted, within GitHub's 30
 * days) and `refresh.ts` (broken images as drift). Their shared types are in `state.ts`, the
 * config, clients and listings they share in `session.ts`. docs/retention.md explains the resource.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { CONFIG_NAMESPACE } from "../shared/config";
import { check, diff } from "./check";
import { read } from "./refresh";
import { RetentionSession } from "./session";
import { retentionId, VersionRetentionInputs, VersionRetentionState } from "./state";
import { apply } from "./update";

/** The dynamic provider behind `PackageVersionRetention`. */
export class VersionRetentionProvider implements dynamic.ResourceProvider<VersionRetentionInputs, VersionRetentionState> {
    private readonly session = new RetentionSession();

    /** Keeps the stack's config to read the token and API URL from when a call is made. */
    async configure(req: dynamic.ConfigureRequest): Promise<void> {
        this.session.lookup = (key) => req.config.get(`${CONFIG_NAMESPACE}:${key}`);
    }

    /** Validates the inputs, lists the package and plans; the plan is the `plan` input the preview shows. */
    async check(olds: VersionRetentionInputs, news: VersionRetentionInputs): Promise<dynamic.CheckResult<VersionRetentionInputs>> {
        return check(this.session, olds, news);
    }

    /** Changes when the plan deletes or restores something, the package or policy changed, or a refresh found broken images. */
    async diff(_id: string, olds: VersionRetentionState, news: VersionRetentionInputs): Promise<dynamic.DiffResult> {
        return diff(this.session, olds, news);
    }

    /** Applies the plan of this run to a package the stack did not manage before. */
    async create(inputs: VersionRetentionInputs): Promise<dynamic.CreateResult<VersionRetentionState>> {
        const id = retentionId(inputs);
        return { id, outs: await apply(this.session, id, inputs, undefined) };
    }

    /** Applies the plan of this run: deletes what it named, or restores what `restore` asks for. */
    async update(id: string, olds: VersionRetentionState, news: VersionRetentionInputs): Promise<dynamic.UpdateResult<VersionRetentionState>> {
        return { outs: await apply(this.session, id, news, olds) };
    }

    /** Keeps the history and, for a container package, finds the tagged images that would not pull. */
    async read(id: string, props?: VersionRetentionState): Promise<dynamic.ReadResult<VersionRetentionState>> {
        return read(this.session, id, props);
    }

    /** Deletes nothing: the versions the resource deleted stay deleted, the others stay. */
    async delete(_id: string, _props: VersionRetentionState): Promise<void> {}
}
