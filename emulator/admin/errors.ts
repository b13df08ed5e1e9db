/** The error of admin calls: what the HTTP admin interface answers with its status. */

/** An admin call that cannot be done; `status` is what the HTTP admin interface answers (400, 404 or 409). */
export class AdminError extends Error {
    override readonly name = "AdminError";

    constructor(
        /** The HTTP status for the admin interface. */
        readonly status: 400 | 404 | 409,
        message: string,
    ) {
        super(message);
    }
}
