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
