import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
/** ../shared beside the checkout: upstream contracts and facts, never copied into the project. */
export const SHARED = path.resolve(ROOT, "..", "shared");
export const CONTRACTS = path.join(SHARED, "contracts", "spark-operator-2.5.2");
export const FACTS = path.join(SHARED, "facts");

export function sharedFile(...parts: string[]): string {
    const p = path.join(SHARED, ...parts);
    if (!fs.existsSync(p)) {
        throw new Error(`${p} is missing: the tests read upstream contracts from ../shared beside the checkout`);
    }
    return p;
}
