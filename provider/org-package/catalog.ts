/**
 * The read side of the provider: serves reads of single packages with GETs or from the
 * organization's list, whichever the reads so far show to be cheaper (see PackageCatalog).
 */
import { ListPage, MAX_PAGES, PackagesApi } from "../github/packages";
import { PackageFields, PackageRef, PackageType } from "../shared/types";

/** What the catalog knows of one organization's registry. */
interface Registry {
    /** GETs spent on reads of this registry so far. */
    gets: number;
    /** Reads waiting for the first page and not yet decided. */
    undecided: number;
    /** The first list page, once asked for. */
    first?: Promise<ListPage>;
    /** The first page's packages by name (a part of the list), kept current by writes. */
    head?: Map<string, PackageFields>;
    /** How many pages the whole list has, once the first page told. */
    pages?: number;
    /** The whole list by name, once bought. */
    all?: Promise<Map<string, PackageFields> | undefined>;
}

/**
 * Serves reads of single packages at the cost the stack needs, in the spirit of ski rental:
 * the first read of a registry asks for the first list page (it tells how many pages the list
 * has), reads of packages not on it "rent" with one GET each, and once the GETs spent reach
 * what the rest of the list costs, the catalog "buys" the whole list (its pages in parallel)
 * and serves every later read from it. Within one process, the requests spent on reads of one
 * registry stay within 2 x min(reads, pages) + 2, in whatever order the engine asks. A package
 * a complete list does not show is confirmed with one GET before it is called gone, so a stale
 * or partial list never drops a resource; a failed list only means more GETs. Writes made
 * through the catalog keep what it holds current.
 */
export class PackageCatalog {
    private readonly registries = new Map<string, Registry>();

    constructor(private readonly api: PackagesApi) {}

    /** The package as GitHub has it, or undefined when GitHub confirms it does not exist. */
    async get(ref: PackageRef): Promise<PackageFields | undefined> {
        const registry = this.registry(ref.org, ref.packageType);
        if (!registry.all && !registry.head) {
            registry.undecided++;
            try {
                await this.firstPage(ref, registry);
            } finally {
                registry.undecided--;
            }
        }
        const listed = registry.head?.get(ref.packageName);
        if (listed) {
            return listed;
        }
        if (!registry.all && registry.pages !== undefined && registry.gets + registry.undecided + 1 >= budget(registry.pages)) {
            registry.all = this.buy(ref, registry);
        }
        if (registry.all) {
            const found = (await registry.all)?.get(ref.packageName);
            if (found) {
                return found;
            }
        } else {
            registry.gets++;
        }
        // Not listed (or no list): only GitHub's own answer to a GET decides that a package is gone.
        const fetched = await this.api.get(ref);
        await this.remember(ref, fetched);
        return fetched;
    }

    /** Records what a write made of a package, so later reads in this process see it. */
    async remember(ref: PackageRef, fields: PackageFields | undefined): Promise<void> {
        const registry = this.registries.get(key(ref.org, ref.packageType));
        if (!registry) {
            return;
        }
        // A list still on its way would otherwise bring back what the write changed.
        await registry.first?.catch(() => undefined);
        const all = await registry.all;
        for (const packages of [registry.head, all]) {
            if (fields) {
                packages?.set(ref.packageName, fields);
            } else {
                packages?.delete(ref.packageName);
            }
        }
    }

    private registry(org: string, packageType: PackageType): Registry {
        const k = key(org, packageType);
        let registry = this.registries.get(k);
        if (!registry) {
            registry = { gets: 0, undecided: 0 };
            this.registries.set(k, registry);
        }
        return registry;
    }

    /** Asks for the first page once; a failure is not kept, so the next read asks again. */
    private async firstPage(ref: PackageRef, registry: Registry): Promise<void> {
        if (!registry.first) {
            const first = this.api.listPage({ org: ref.org, packageType: ref.packageType }, 1);
            registry.first = first;
            first.then(
                (page) => {
                    registry.head = byName(page.packages);
                    registry.pages = page.pages;
                    if (page.pages <= 1) {
                        registry.all = Promise.resolve(registry.head);
                    }
                },
                () => {
                    registry.first = undefined;
                },
            );
        }
        // The list is an optimisation: when it fails, GETs decide (and explain).
        await registry.first.catch(() => undefined);
    }

    /** Lists the rest of the registry; a failed list is not asked for again in this process, reads fall back to GETs. */
    private async buy(ref: PackageRef, registry: Registry): Promise<Map<string, PackageFields> | undefined> {
        try {
            const first = await registry.first!;
            // The first page as writes since left it, so the list does not bring back what they changed.
            const head: ListPage = { packages: [...(registry.head ?? byName(first.packages)).values()], pages: first.pages };
            return byName(await this.api.list({ org: ref.org, packageType: ref.packageType }, head));
        } catch {
            return undefined;
        }
    }
}

/**
 * How many GETs the catalog spends on a registry before it lists the rest: what the rest costs.
 * Past {@link MAX_PAGES} the list is read in up to three visibility parts, each with a first
 * page of its own, so the rest costs up to `pages + 3`; buying a little earlier keeps the total
 * within 2 x pages + 2.
 */
function budget(pages: number): number {
    return pages <= MAX_PAGES ? pages - 1 : pages - 2;
}

function byName(packages: PackageFields[]): Map<string, PackageFields> {
    return new Map(packages.map((p) => [p.name, p]));
}

function key(org: string, packageType: PackageType): string {
    return `${org.toLowerCase()}/${packageType}`;
}
