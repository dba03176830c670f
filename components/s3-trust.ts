import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PodAdditions } from "./spark-job";

/**
 * Trust for an S3 endpoint whose certificate a private CA signed (FlashBlade data VIPs and
 * on-prem stores often have one). The PEM bundle goes into a ConfigMap (certificates are public);
 * each Spark pod builds a Java truststore from it at start, in an init container of the same
 * image: the JDK's own CAs plus these (keytool imports one certificate per file, so the bundle is
 * split first), into a pod-local emptyDir that the JVM options point at. S3A's AWS SDK uses the
 * JVM's default trust managers, so `javax.net.ssl.trustStore` is what it trusts. `mc` (the
 * sample-data upload) reads extra CAs from `$MC_CONFIG_DIR/certs/CAs/`.
 */
export const TRUST = {
    configMapKey: "ca.crt",
    caMount: "/opt/spark-s3/ca",
    truststoreMount: "/opt/spark-s3/truststore",
    /** The JDK's default; a truststore holds public certificates, the password guards nothing. */
    password: "changeit",
} as const;

/** The truststore file the JVM reads. */
export const TRUSTSTORE_FILE = `${TRUST.truststoreMount}/cacerts`;

/**
 * Builds the truststore: env CA_FILE (a PEM bundle), TRUSTSTORE (the output file), JAVA_HOME.
 * Plain POSIX sh, awk and the JDK's keytool: what the apache/spark images have. The integration
 * tests run this same script (rendered by tools/render-local.ts) against a TLS MinIO.
 */
export const TRUSTSTORE_SCRIPT = `set -eu
java_home="\${JAVA_HOME:-/opt/java/openjdk}"
work=$(dirname "$TRUSTSTORE")/pem
mkdir -p "$work"
cp "$java_home/lib/security/cacerts" "$TRUSTSTORE"
chmod 644 "$TRUSTSTORE"
awk -v dir="$work" '/-----BEGIN CERTIFICATE-----/ { n++; f = sprintf("%s/ca-%d.pem", dir, n) } f { print > f } /-----END CERTIFICATE-----/ { close(f); f = "" }' "$CA_FILE"
count=0
for pem in "$work"/ca-*.pem; do
  [ -f "$pem" ] || continue
  count=$((count + 1))
  "$java_home/bin/keytool" -importcert -noprompt -alias "spark-s3-ca-$count" -file "$pem" -keystore "$TRUSTSTORE" -storepass "${TRUST.password}" >/dev/null
done
rm -rf "$work"
[ "$count" -gt 0 ] || { echo "no certificate in $CA_FILE" >&2; exit 1; }
echo "truststore $TRUSTSTORE: the JDK's CAs and $count from $CA_FILE"
`;

/** JVM options that make S3A trust the truststore (the pods' path; the local runner passes its own). */
export function trustJavaOptions(truststore: string = TRUSTSTORE_FILE): string {
    return `-Djavax.net.ssl.trustStore=${truststore} -Djavax.net.ssl.trustStorePassword=${TRUST.password}`;
}

/** The pod additions that give a Spark pod the truststore (pure; tested). */
export function sparkTrustAdditions(configMap: pulumi.Input<string>, image: string): PodAdditions {
    return {
        volumes: [
            { name: "s3-ca", configMap: { name: configMap } },
            { name: "s3-truststore", emptyDir: { sizeLimit: "16Mi" } },
        ],
        initContainers: [
            {
                name: "s3-truststore",
                image,
                command: ["sh", "-c", TRUSTSTORE_SCRIPT],
                env: [
                    { name: "CA_FILE", value: `${TRUST.caMount}/${TRUST.configMapKey}` },
                    { name: "TRUSTSTORE", value: TRUSTSTORE_FILE },
                ],
                volumeMounts: [
                    { name: "s3-ca", mountPath: TRUST.caMount, readOnly: true },
                    { name: "s3-truststore", mountPath: TRUST.truststoreMount },
                ],
            },
        ],
        volumeMounts: [{ name: "s3-truststore", mountPath: TRUST.truststoreMount, readOnly: true }],
    };
}

/** The mount that makes `mc` (with MC_CONFIG_DIR=configDir) trust the CA. */
export function mcTrustAdditions(configMap: pulumi.Input<string>, mcConfigDir: string): PodAdditions {
    return {
        volumes: [{ name: "s3-ca", configMap: { name: configMap } }],
        volumeMounts: [{ name: "s3-ca", mountPath: `${mcConfigDir}/certs/CAs`, readOnly: true }],
    };
}

export interface S3TrustArgs {
    namespace: pulumi.Input<string>;
    /** PEM bundle. */
    caBundle: string;
}

/** The CA bundle as a ConfigMap in the job namespace. */
export class S3Trust extends pulumi.ComponentResource {
    readonly configMapName: pulumi.Output<string>;

    constructor(name: string, args: S3TrustArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:spark:S3Trust", name, {}, opts);
        const cm = new k8s.core.v1.ConfigMap(
            `${name}-ca`,
            {
                metadata: { namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "spark-s3" } },
                data: { [TRUST.configMapKey]: args.caBundle },
            },
            { parent: this },
        );
        this.configMapName = cm.metadata.name;
        this.registerOutputs({ configMapName: this.configMapName });
    }
}
