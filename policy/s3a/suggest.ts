/** "Did you mean" for option names: the closest known name by edit distance, if close enough. */

export function editDistance(a: string, b: string): number {
    const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diag = prev[0];
        prev[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const up = prev[j];
            prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = up;
        }
    }
    return prev[b.length];
}

/**
 * The known name closest to `name`, when the distance is at most a third of the name's length
 * (typos, a dropped or extra segment); undefined when nothing is that close.
 */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
    let best: string | undefined;
    let bestD = Infinity;
    for (const k of known) {
        const d = editDistance(name, k);
        if (d < bestD) {
            best = k;
            bestD = d;
        }
    }
    return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Segments equal up to one typo (for segments of four characters or more). */
function segmentCost(a: string, b: string): number | undefined {
    if (a === b) return 0;
    return a.length >= 4 && b.length >= 4 && editDistance(a, b) <= 1 ? 1 : undefined;
}

/**
 * Cost of reading `short` as `long` with segments left out (each left-out segment costs 2, each
 * one-letter typo in a kept segment 1), or undefined when `short`'s segments are not, in order,
 * among `long`'s.
 */
function subsequenceCost(short: string[], long: string[]): number | undefined {
    // best[i][j]: cost of matching short[0..i) within long[0..j)
    const best: (number | undefined)[][] = Array.from({ length: short.length + 1 }, () => new Array(long.length + 1).fill(undefined));
    for (let j = 0; j <= long.length; j++) best[0][j] = 2 * j;
    for (let i = 1; i <= short.length; i++) {
        for (let j = 1; j <= long.length; j++) {
            const skip = best[i][j - 1] === undefined ? undefined : best[i][j - 1]! + 2;
            const c = segmentCost(short[i - 1], long[j - 1]);
            const take = c === undefined || best[i - 1][j - 1] === undefined ? undefined : best[i - 1][j - 1]! + c;
            best[i][j] = skip === undefined ? take : take === undefined ? skip : Math.min(skip, take);
        }
    }
    return best[short.length][long.length];
}

/** The same segments but one, which is a prefix of the other's (connection.max for connection.maximum). */
function abbreviates(short: string[], long: string[]): boolean {
    const differ = short.map((s, i) => [s, long[i]] as const).filter(([a, b]) => a !== b);
    return differ.length === 1 && differ[0][0].length >= 3 && differ[0][1].startsWith(differ[0][0]);
}

/**
 * The option name a dotted key most likely meant (an abbreviated segment too): a typo (edit distance), a segment too many or
 * too few (fs.s3a.input.fadvise for fs.s3a.experimental.input.fadvise), or the same segments in
 * another order. `prefix` is the part all names share (fs.s3a.), left out of the comparison.
 */
export function suggestOption(key: string, known: Iterable<string>, prefix = "fs.s3a."): string | undefined {
    const names = [...known];
    const segs = key.slice(prefix.length).split(".");
    let best: { name: string; cost: number } | undefined;
    for (const name of names) {
        if (!name.startsWith(prefix)) continue;
        const other = name.slice(prefix.length).split(".");
        let cost: number | undefined;
        if (segs.length === other.length && [...segs].sort().join(".") === [...other].sort().join(".")) cost = 1;
        else if (segs.length === other.length && abbreviates(segs, other)) cost = 1;
        else if (segs.length < other.length) cost = subsequenceCost(segs, other);
        else if (segs.length > other.length) cost = subsequenceCost(other, segs);
        if (cost !== undefined && cost <= 4 && (!best || cost < best.cost)) best = { name, cost };
    }
    const typo = didYouMean(key, names);
    if (typo && (!best || editDistance(key, typo) <= best.cost)) return typo;
    return best?.name;
}
