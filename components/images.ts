/**
 * Image references and registry mirrors (pure). Air-gapped and on-prem clusters pull every image
 * through a mirror: `imageRegistry: registry.example.com/mirror` turns
 * `apache/spark:4.0.4-...` (Docker Hub), `quay.io/minio/minio:...` and
 * `ghcr.io/kubeflow/spark-operator/controller:...` into
 * `registry.example.com/mirror/apache/spark:4.0.4-...`, `registry.example.com/mirror/minio/minio:...`
 * and `registry.example.com/mirror/kubeflow/spark-operator/controller:...`: the registry host is
 * replaced, the repository path is kept (the convention of registry mirrors and pull-through
 * caches such as Harbor's proxy projects).
 */

export interface ImageRef {
    /** Registry host (with port), e.g. "docker.io", "quay.io", "registry.example.com:5000". */
    readonly registry: string;
    /** Repository path inside the registry, e.g. "apache/spark", "library/busybox". */
    readonly repository: string;
    /** ":tag", "@sha256:..." or "" (kept verbatim). */
    readonly suffix: string;
}

const DOCKER_HUB = "docker.io";

/** Split an image reference the way the container runtimes do (distribution/reference rules). */
export function parseImage(image: string): ImageRef {
    const at = image.indexOf("@");
    const withoutDigest = at >= 0 ? image.slice(0, at) : image;
    const digest = at >= 0 ? image.slice(at) : "";
    const slash = withoutDigest.lastIndexOf("/");
    const colon = withoutDigest.lastIndexOf(":");
    const tag = colon > slash ? withoutDigest.slice(colon) : "";
    const name = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
    const first = name.split("/")[0];
    // The first component is a registry when it looks like a host: a dot, a port or localhost.
    const hasRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    const registry = hasRegistry ? first : DOCKER_HUB;
    let repository = hasRegistry ? name.slice(first.length + 1) : name;
    if (registry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;
    return { registry, repository, suffix: tag + digest };
}

/** The image as pulled through `mirror` (a registry host with an optional path); "" keeps it. */
export function mirrored(image: string, mirror: string): string {
    if (mirror === "") return image;
    const m = mirror.replace(/\/+$/, "");
    if (image.startsWith(`${m}/`)) return image;
    const ref = parseImage(image);
    return `${m}/${ref.repository}${ref.suffix}`;
}

/** Registry and repository split for charts that take them apart (`image.registry`, `image.repository`). */
export function mirroredRegistry(defaultRegistry: string, mirror: string): string {
    return mirror === "" ? defaultRegistry : mirror.replace(/\/+$/, "");
}
