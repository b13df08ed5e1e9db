import { strict as assert } from "node:assert";
import { linkHeader, pageOf, pageRequest } from "../../../emulator/rest/pagination";

describe("emulator/rest/pagination", () => {
    it("defaults to page 1 of 30, caps per_page at 100 and ignores invalid values", () => {
        assert.deepEqual(pageRequest(new URLSearchParams("")), { page: 1, perPage: 30 });
        assert.deepEqual(pageRequest(new URLSearchParams("page=3&per_page=50")), { page: 3, perPage: 50 });
        assert.deepEqual(pageRequest(new URLSearchParams("per_page=1000")), { page: 1, perPage: 100 });
        assert.deepEqual(pageRequest(new URLSearchParams("page=0&per_page=-5")), { page: 1, perPage: 30 });
        assert.deepEqual(pageRequest(new URLSearchParams("page=two&per_page=2.5")), { page: 1, perPage: 30 });
    });

    it("slices the requested page", () => {
        const items = Array.from({ length: 7 }, (_, i) => i);
        assert.deepEqual(pageOf(items, { page: 2, perPage: 3 }), [3, 4, 5]);
        assert.deepEqual(pageOf(items, { page: 4, perPage: 3 }), []);
    });

    it("links next/last before the last page and prev/first after the first, keeping the query", () => {
        const url = new URL("http://127.0.0.1:1/orgs/o/packages?package_type=npm&per_page=10&page=2");
        assert.equal(
            linkHeader(url, { page: 2, perPage: 10 }, 35),
            [
                '<http://127.0.0.1:1/orgs/o/packages?package_type=npm&per_page=10&page=1>; rel="prev"',
                '<http://127.0.0.1:1/orgs/o/packages?package_type=npm&per_page=10&page=3>; rel="next"',
                '<http://127.0.0.1:1/orgs/o/packages?package_type=npm&per_page=10&page=4>; rel="last"',
                '<http://127.0.0.1:1/orgs/o/packages?package_type=npm&per_page=10&page=1>; rel="first"',
            ].join(", "),
        );
    });

    it("sends no links for a single page, and points prev at the last page past the end", () => {
        const url = new URL("http://127.0.0.1:1/x?page=9");
        assert.equal(linkHeader(new URL("http://127.0.0.1:1/x"), { page: 1, perPage: 30 }, 30), undefined);
        assert.equal(linkHeader(url, { page: 9, perPage: 30 }, 40), '<http://127.0.0.1:1/x?page=2>; rel="prev", <http://127.0.0.1:1/x?page=1>; rel="first"');
    });
});
