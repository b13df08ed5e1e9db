import { PackagesApi } from "./packages";
import { PackageFields, PackageRef, PackageType } from "./types";

/**
 * Serves reads of single packages from one paginated list per organization and type,
 * fetched once and shared by every read in this process. A refresh of N packages then
 * costs about N/100 list requests instead of N gets. A package the list does not show is
 * confirmed with one GET before it is called gone, so a stale or partial list never
 * drops a resource. Writes made through the catalog keep it current.
 */
export class PackageCatalog {
    private readonly lists = new Map<string, Promise<Map<string, PackageFields>>>();

    constructor(private readonly api: PackagesApi) {}

    /** The package as GitHub has it, or undefined when GitHub confirms it does not exist. */
    async get(ref: PackageRef): Promise<PackageFields | undefined> {
        // The list is an optimisation: when it fails, the single GET decides (and explains).
        const listed = await this.listing(ref.org, ref.packageType).then(
            (packages) => packages.get(ref.packageName),
            () => undefined,
        );
        if (listed) {
            return listed;
        }
        const fetched = await this.api.get(ref);
        await this.remember(ref, fetched);
        return fetched;
    }

    /** Records what a write made of a package, so later reads in this process see it. */
    async remember(ref: PackageRef, fields: PackageFields | undefined): Promise<void> {
        const packages = await this.lists.get(key(ref.org, ref.packageType))?.catch(() => undefined);
        if (fields) {
            packages?.set(ref.packageName, fields);
        } else {
            packages?.delete(ref.packageName);
        }
    }

    private listing(org: string, packageType: PackageType): Promise<Map<string, PackageFields>> {
        const k = key(org, packageType);
        let list = this.lists.get(k);
        if (!list) {
            list = this.api.list({ org, packageType }).then((packages) => new Map(packages.map((p) => [p.name, p])));
            // A failed list is not kept: the next read tries again rather than failing forever.
            list.catch(() => this.lists.delete(k));
            this.lists.set(k, list);
        }
        return list;
    }
}

function key(org: string, packageType: PackageType): string {
    return `${org.toLowerCase()}/${packageType}`;
}
