import * as path from "path";

/** The project's root (this file is test/helpers/paths.ts). Upstream sources: ./upstream.ts. */
export const ROOT = path.resolve(__dirname, "..", "..");
