/**
 * Reading Maven Central: version lists (maven-metadata.xml), POM properties and dependencies.
 * Pure parsing functions (tested with small inline POM fragments) plus thin HTTP helpers.
 * Used by the release-facts tool (spark-releases.ts); not loaded by the policy pack itself.
 */

export const MAVEN_CENTRAL = "https://repo1.maven.org/maven2";

/** URL of an artifact file: group org.apache.spark, artifact spark-core_2.13, version, extension. */
export function artifactUrl(group: string, artifact: string, version: string, ext = "pom"): string {
    return `${MAVEN_CENTRAL}/${group.replace(/\./g, "/")}/${artifact}/${version}/${artifact}-${version}.${ext}`;
}

export function metadataUrl(group: string, artifact: string): string {
    return `${MAVEN_CENTRAL}/${group.replace(/\./g, "/")}/${artifact}/maven-metadata.xml`;
}

/** The <version> entries of a maven-metadata.xml. */
export function parseMetadataVersions(xml: string): string[] {
    return [...xml.matchAll(/<version>\s*([^<\s]+)\s*<\/version>/g)].map((m) => m[1]);
}

const stripComments = (xml: string) => xml.replace(/<!--[\s\S]*?-->/g, "");

function tagBody(xml: string, tag: string): string | undefined {
    const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
    return m?.[1];
}

function simpleElements(xml: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of xml.matchAll(/<([A-Za-z0-9_.-]+)>([^<]*)<\/\1>/g)) {
        if (!(m[1] in out)) out[m[1]] = m[2].trim();
    }
    return out;
}

/**
 * The <properties> of the POM itself (not of its profiles) and, by profile id, the properties
 * each profile sets.
 */
export function parsePomProperties(pom: string): { properties: Record<string, string>; profiles: Record<string, Record<string, string>> } {
    const xml = stripComments(pom);
    const profiles: Record<string, Record<string, string>> = {};
    for (const m of (tagBody(xml, "profiles") ?? "").matchAll(/<profile>([\s\S]*?)<\/profile>/g)) {
        const id = tagBody(m[1], "id")?.trim();
        const props = tagBody(m[1], "properties");
        if (id && props !== undefined) profiles[id] = simpleElements(props);
    }
    const outside = xml.replace(/<profiles>[\s\S]*?<\/profiles>/g, "").replace(/<build>[\s\S]*?<\/build>/g, "");
    return { properties: simpleElements(tagBody(outside, "properties") ?? ""), profiles };
}

/** ${name} references resolved against the properties (one level is all Maven POMs here use). */
export function resolveProperty(value: string, properties: Record<string, string>): string {
    return value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => properties[name] ?? whole);
}

export interface PomDependency {
    groupId: string;
    artifactId: string;
    version?: string;
    scope?: string;
}

function dependenciesIn(xml: string | undefined): PomDependency[] {
    return [...(xml ?? "").matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].map((m) => {
        const e = simpleElements(m[1].replace(/<exclusions>[\s\S]*?<\/exclusions>/g, ""));
        return { groupId: e.groupId, artifactId: e.artifactId, version: e.version, scope: e.scope };
    });
}

/** The POM's own dependencies and its dependencyManagement entries (profiles and build left out). */
export function parsePomDependencies(pom: string): { dependencies: PomDependency[]; managed: PomDependency[] } {
    const xml = stripComments(pom)
        .replace(/<profiles>[\s\S]*?<\/profiles>/g, "")
        .replace(/<build>[\s\S]*?<\/build>/g, "");
    const managedXml = tagBody(xml, "dependencyManagement");
    const rest = managedXml === undefined ? xml : xml.replace(/<dependencyManagement>[\s\S]*?<\/dependencyManagement>/, "");
    return { dependencies: dependenciesIn(tagBody(rest, "dependencies")), managed: dependenciesIn(managedXml) };
}

// --- HTTP ---------------------------------------------------------------------------------------

export async function getText(url: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
        try {
            const res = await fetch(url);
            if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
            return await res.text();
        } catch (e) {
            if (attempt >= 3 || /HTTP 404/.test(String(e))) throw e;
            await new Promise((r) => setTimeout(r, 500 * attempt));
        }
    }
}

/** Does the file exist (HTTP HEAD 200)? maven-metadata.xml can be incomplete, so existence is probed. */
export async function exists(url: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
        try {
            const res = await fetch(url, { method: "HEAD" });
            if (res.status === 404) return false;
            if (res.ok) return true;
            throw new Error(`HEAD ${url}: HTTP ${res.status}`);
        } catch (e) {
            if (attempt >= 3) throw e;
            await new Promise((r) => setTimeout(r, 500 * attempt));
        }
    }
}

/** Run `fn` over `items` with at most `limit` at once, keeping the order of results. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}
