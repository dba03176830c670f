/**
 * Required by mocha before any test file loads (.mocharc.json, and `npm run test:e2e`): every
 * upstream tree the tests read is fetched or verified first (test/helpers/upstream.ts). Without
 * it (offline, no SPARK_S3_MIRROR) the run stops here with scripts/upstream.sh's one message,
 * instead of a stack trace at load or tests failing one by one; nothing is skipped.
 */
import { UpstreamUnavailable, upstreamDir } from "./upstream";

try {
    upstreamDir("spark-operator");
} catch (e) {
    if (!(e instanceof UpstreamUnavailable)) throw e;
    process.stderr.write(`${e.message}\nThe tests read these upstream sources: no test ran.\n`);
    process.exit(2);
}
