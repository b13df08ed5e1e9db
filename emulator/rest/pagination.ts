/** GitHub's page-based pagination: `page` and `per_page` query parameters and the `Link` header. */
import { GITHUB } from "./github";

/** The page a list request asks for. */
export interface PageRequest {
    /** 1-based page number. */
    page: number;
    /** Items per page, at most 100. */
    perPage: number;
}

/** Reads `page` and `per_page`; missing or invalid values fall back to 1 and 30, and `per_page` is capped at 100, as on GitHub. */
export function pageRequest(query: URLSearchParams): PageRequest {
    const integer = (name: string): number | undefined => {
        const raw = query.get(name);
        const value = raw === null || raw.trim() === "" ? NaN : Number(raw);
        return Number.isInteger(value) && value > 0 ? value : undefined;
    };
    return {
        page: integer("page") ?? 1,
        perPage: Math.min(integer("per_page") ?? GITHUB.defaultPerPage, GITHUB.maxPerPage),
    };
}

/** The items of the requested page. */
export function pageOf<T>(items: readonly T[], request: PageRequest): T[] {
    const start = (request.page - 1) * request.perPage;
    return items.slice(start, start + request.perPage);
}

/**
 * The `Link` header for a list of `total` items, or undefined when everything fits on one
 * page. Links repeat the request's own URL (absolute, on the emulator's base URL) with
 * another `page`; `next`/`last` appear before the last page, `prev`/`first` after the first.
 */
export function linkHeader(requestUrl: URL, request: PageRequest, total: number): string | undefined {
    const lastPage = Math.max(1, Math.ceil(total / request.perPage));
    if (lastPage === 1 && request.page === 1) {
        return undefined;
    }
    const link = (page: number, rel: string): string => {
        const url = new URL(requestUrl.href);
        url.searchParams.set("page", String(page));
        if (url.searchParams.has("per_page")) {
            url.searchParams.set("per_page", String(request.perPage));
        }
        return `<${url.href}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (request.page > 1) {
        links.push(link(Math.min(request.page - 1, lastPage), "prev"));
    }
    if (request.page < lastPage) {
        links.push(link(request.page + 1, "next"), link(lastPage, "last"));
    }
    if (request.page > 1) {
        links.push(link(1, "first"));
    }
    return links.join(", ");
}
