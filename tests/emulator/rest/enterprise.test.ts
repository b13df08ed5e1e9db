import { strict as assert } from "node:assert";
import { Emulator } from "../../../emulator";
import { Package, call, startDemo, TOKENS } from "../support";

describe("emulator/rest/api: GitHub Enterprise Server's /api/v3 layout", () => {
    let emulator: Emulator | undefined;
    afterEach(() => emulator?.close());

    it("serves the whole REST API under /api/v3 too, with URLs and Link headers under it", async () => {
        emulator = await startDemo();
        const answer = await call<Package[]>(emulator, "GET", "/api/v3/orgs/acme/packages?package_type=npm&per_page=1", { token: TOKENS.admin });
        assert.equal(answer.status, 200);
        assert.match(answer.body[0].url, new RegExp(`^${emulator.url}/api/v3/orgs/acme/packages/npm/`));
        assert.match(answer.headers.get("link") ?? "", /\/api\/v3\/orgs\/acme\/packages\?/);
        assert.equal((await call(emulator, "DELETE", "/api/v3/orgs/acme/packages/container/tools%2Fci-runner", { token: TOKENS.admin })).status, 204);
        assert.equal((await call(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", { token: TOKENS.admin })).status, 200, "github.com paths still answer");
    });

    it("enterpriseOnly: only /api/v3 answers; elsewhere an HTML 404 page as GitHub Enterprise Server's web interface gives", async () => {
        emulator = await startDemo({ enterpriseOnly: true });
        const web = await call<undefined>(emulator, "GET", "/orgs/acme/packages/npm/widgets", { token: TOKENS.admin }).catch((error: Error) => error);
        assert.ok(web instanceof Error, "the body is not JSON");
        const raw = await fetch(`${emulator.url}/orgs/acme/packages/npm/widgets`, { headers: { authorization: `token ${TOKENS.admin}` } });
        assert.equal(raw.status, 404);
        assert.match(raw.headers.get("content-type") ?? "", /^text\/html/);
        assert.equal((await call(emulator, "GET", "/api/v3/orgs/acme/packages/npm/widgets", { token: TOKENS.admin })).status, 200);
    });
});
