/**
 * The Spark Connect server's conf and manifests (pure builders). The real server, with this conf
 * and command, runs in jobs/connect/tests (npm run test:connect).
 */
import { strict as assert } from "assert";
import { checkSparkConf } from "../../policy/s3a/checks";
import { sparkRuntime } from "../../policy/s3a/versions";
import { observabilityConf } from "../../components/observability";
import { sparkConfFor } from "../../components/s3a-profile";
import { sparkTrustAdditions, trustJavaOptions } from "../../components/s3-trust";
import {
    DEFAULT_CONNECT_SETTINGS,
    connectServerConf,
    type ConnectConfArgs,
    type ConnectSettings,
} from "../../components/spark-connect/conf";
import { CONNECT_PORT, CONNECT_TOKEN_CONF, CONNECT_TOKEN_ENV, connectSupport } from "../../components/spark-connect/facts";
import {
    EXECUTOR_TEMPLATE_FILE,
    EXECUTOR_TEMPLATE_PATH,
    clientExample,
    confHash,
    connectConfigData,
    connectDeploymentSpec,
    connectServiceSpec,
    connectionString,
    driverPodFromConf,
    propertiesText,
    serverContainerMemory,
    type ConnectServerArgs,
} from "../../components/spark-connect/manifest";

const platformConf = (committer: "directory" | "magic" = "directory", javaOptions?: string) =>
    sparkConfFor({
        endpoint: { url: "http://minio.spark-jobs.svc:9000", region: "us-east-1", pathStyle: true, tls: false },
        committer,
        conflictMode: "append",
        runtime: sparkRuntime("4.0.4"),
        staging: { volumeName: "staging", claimName: "spark-staging", mountPath: "/staging" },
        buffer: { volumeName: "s3a-buffer", mountPath: "/s3a-buffer", sizeLimit: "10Gi" },
        credentials: {
            secretName: "spark-s3-credentials",
            accessKeyIdKey: "AWS_ACCESS_KEY_ID",
            secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY",
        },
        packages: true,
        overrides: observabilityConf("s3a://bucket/spark-s3/local/spark-events"),
        javaOptions,
    });

const settings: ConnectSettings = { ...DEFAULT_CONNECT_SETTINGS, appName: "spark-connect-dev" };
const kubernetes = {
    namespace: "spark-jobs",
    image: "apache/spark:4.0.4-scala2.13-java17-python3-ubuntu",
    serviceAccount: "spark",
    podNamePrefix: "spark-connect",
    executorLabels: { "app.kubernetes.io/name": "spark-connect-executor" },
};
const args = (over: Partial<ConnectConfArgs> = {}): ConnectConfArgs => ({
    platformConf: platformConf(),
    runtime: sparkRuntime("4.0.4"),
    settings,
    kubernetes,
    ...over,
});
const serverArgs = (conf: Record<string, string>, over: Partial<ConnectServerArgs> = {}): ConnectServerArgs => ({
    name: "spark-connect",
    image: kubernetes.image,
    serviceAccount: "spark",
    conf,
    configMapName: "spark-connect-conf",
    tokenSecretName: "spark-connect-token",
    ...over,
});

describe("Spark Connect server conf", () => {
    it("is the platform's conf, committer and event log untouched, plus the server's keys", () => {
        const base = platformConf();
        const c = connectServerConf(args());
        for (const [k, v] of Object.entries(base)) assert.equal(c[k], v, k);
        assert.equal(c["spark.connect.grpc.binding.port"], String(CONNECT_PORT));
        assert.equal(c["spark.connect.session.manager.defaultSessionTimeout"], "60m");
        assert.equal(c["spark.app.name"], "spark-connect-dev");
        assert.equal(c["spark.dynamicAllocation.enabled"], "true");
        // No external shuffle service on Kubernetes: shuffle tracking, with a bound on how long data pins an executor.
        assert.equal(c["spark.shuffle.service.enabled"], "false");
        assert.equal(c["spark.dynamicAllocation.shuffleTracking.enabled"], "true");
        assert.equal(c["spark.dynamicAllocation.shuffleTracking.timeout"], "30min");
        assert.equal(c["spark.dynamicAllocation.cachedExecutorIdleTimeout"], "30min");
        assert.equal(c["spark.dynamicAllocation.minExecutors"], "0");
        assert.equal(c["spark.dynamicAllocation.maxExecutors"], "4");
        assert.equal(c["spark.dynamicAllocation.initialExecutors"], "0");
        assert.equal(c["spark.master"], "k8s://https://kubernetes.default.svc");
        assert.equal(c["spark.submit.deployMode"], "client");
        assert.equal(c["spark.kubernetes.namespace"], "spark-jobs");
        assert.equal(c["spark.kubernetes.container.image"], kubernetes.image);
        assert.equal(c["spark.kubernetes.authenticate.executor.serviceAccountName"], "spark");
        assert.equal(c["spark.kubernetes.executor.label.app.kubernetes.io/name"], "spark-connect-executor");
        assert.equal(c[CONNECT_TOKEN_CONF], undefined);
    });

    it("passes the policy pack's conf checks, like a SparkApplication's conf", () => {
        for (const committer of ["directory", "magic"] as const) {
            const c = connectServerConf(args({ platformConf: platformConf(committer) }));
            // The local stack's in-cluster MinIO speaks plain HTTP, allowed as the local stack's pack config allows it.
            assert.deepEqual(checkSparkConf(c, "4.0.4", { insecureEndpoints: ["minio.spark-jobs.svc:9000"] }), [], committer);
            assert.equal(checkSparkConf(c, "4.0.4").length, 2, "the pack still sees the plain-HTTP endpoint");
        }
    });

    it("refuses a Spark row without a token (3.5), naming the keys to change", () => {
        assert.equal(connectSupport(sparkRuntime("3.5.7")).token, false);
        assert.equal(connectSupport(sparkRuntime("4.0.4")).token, true);
        assert.throws(
            () => connectServerConf(args({ runtime: sparkRuntime("3.5.7") })),
            /spark-s3:connect .*Spark 3\.5\.7.*no token.*spark-s3:sparkVersion/,
        );
    });

    it("refuses the token in any conf: it would land in the event log and the UI", () => {
        assert.throws(
            () => connectServerConf(args({ platformConf: { ...platformConf(), [CONNECT_TOKEN_CONF]: "x" } })),
            /platform's sparkConf sets spark\.connect\.authenticate\.token/,
        );
        assert.throws(
            () => connectServerConf(args({ overrides: { [CONNECT_TOKEN_CONF]: "x" } })),
            new RegExp(`overrides sets .*env ${CONNECT_TOKEN_ENV}`),
        );
    });

    const bad: [Partial<ConnectSettings>, RegExp][] = [
        [{ minExecutors: 5, maxExecutors: 2 }, /spark-s3:connect\.minExecutors \(5\) must not exceed maxExecutors \(2\); e\.g\./],
        [{ maxExecutors: 0 }, /spark-s3:connect\.maxExecutors must be an integer >= 1, got 0/],
        [{ initialExecutors: 9 }, /spark-s3:connect\.initialExecutors \(9\) must lie between/],
        [{ minExecutors: 1.5 }, /spark-s3:connect\.minExecutors must be an integer/],
        [
            { executorIdleTimeout: "soon" },
            /spark-s3:connect\.executorIdleTimeout must be a Spark duration, got "soon"; e\.g\. executorIdleTimeout: 60s/,
        ],
        [{ sessionIdleTimeout: "1 hour" }, /spark-s3:connect\.sessionIdleTimeout must be a Spark duration or -1/],
        [{ serverMemory: "2GB" }, /spark-s3:connect\.serverMemory must be a JVM memory size, got "2GB"; e\.g\. serverMemory: 2g/],
        [{ port: 70000 }, /spark-s3:connect\.port must be a TCP port/],
        [{ appName: "a;b" }, /spark-s3:connect\.appName must be/],
    ];
    for (const [s, re] of bad) {
        it(`refuses ${JSON.stringify(s)}`, () => assert.throws(() => connectServerConf(args({ settings: { ...settings, ...s } })), re));
    }

    it("keeps a session for ever only when asked (-1)", () => {
        assert.equal(
            connectServerConf(args({ settings: { ...settings, sessionIdleTimeout: "-1" } }))[
                "spark.connect.session.manager.defaultSessionTimeout"
            ],
            "-1",
        );
    });
});

describe("Spark Connect server manifests", () => {
    const conf = connectServerConf(args());

    it("gives the server pod what the conf's driver keys ask for (Spark ignores them in client mode)", () => {
        const d = driverPodFromConf(conf);
        assert.deepEqual(d.volumes, [
            { name: "s3a-buffer", emptyDir: { sizeLimit: "10Gi" } },
            { name: "staging", persistentVolumeClaim: { claimName: "spark-staging" } },
        ]);
        assert.deepEqual(d.volumeMounts, [
            { name: "s3a-buffer", mountPath: "/s3a-buffer", readOnly: false },
            { name: "staging", mountPath: "/staging", readOnly: false },
        ]);
        assert.deepEqual(
            d.env.map((e) => [e.name, (e.valueFrom as any).secretKeyRef]),
            [
                ["AWS_ACCESS_KEY_ID", { name: "spark-s3-credentials", key: "AWS_ACCESS_KEY_ID" }],
                ["AWS_SECRET_ACCESS_KEY", { name: "spark-s3-credentials", key: "AWS_SECRET_ACCESS_KEY" }],
            ],
        );
        assert.throws(
            () => driverPodFromConf({ "spark.kubernetes.driver.secrets.tls": "/etc/tls" }),
            /spark\.kubernetes\.driver\.secrets\.tls: the Connect server cannot mount this/,
        );
        assert.throws(() => driverPodFromConf({ "spark.kubernetes.driver.secretKeyRef.X": "nokey" }), /must be <secret>:<key>/);
    });

    it("runs spark-submit of the server class with the conf file; the token only as env from its Secret", () => {
        const spec = connectDeploymentSpec(serverArgs(conf)) as any;
        const pod = spec.template.spec;
        const c = pod.containers[0];
        assert.deepEqual(c.command, [
            "/opt/spark/bin/spark-submit",
            "--class",
            "org.apache.spark.sql.connect.service.SparkConnectServer",
            "--properties-file",
            "/opt/spark/connect-conf/spark-defaults.conf",
            "--conf",
            "spark.driver.host=$(POD_IP)",
            "--conf",
            "spark.kubernetes.driver.pod.name=$(POD_NAME)",
            "spark-internal",
        ]);
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
        assert.deepEqual(env[CONNECT_TOKEN_ENV].valueFrom, { secretKeyRef: { name: "spark-connect-token", key: "token" } });
        assert.equal(env[CONNECT_TOKEN_ENV].value, undefined);
        assert.equal(env.POD_IP.valueFrom.fieldRef.fieldPath, "status.podIP");
        assert.ok(env.AWS_SECRET_ACCESS_KEY.valueFrom.secretKeyRef);
        assert.equal(spec.replicas, 1);
        assert.equal(spec.strategy.type, "Recreate", "never two servers: sessions live in one");
        assert.deepEqual(c.readinessProbe.tcpSocket, { port: "grpc" });
        assert.ok(c.volumeMounts.some((m: any) => m.name === "staging" && m.mountPath === "/staging"));
        assert.ok(pod.volumes.some((v: any) => v.name === "staging" && v.persistentVolumeClaim.claimName === "spark-staging"));
        assert.equal(pod.serviceAccountName, "spark");
        // Heap 2g plus Spark's driver overhead rule max(10%, 384 MiB).
        assert.equal(c.resources.limits.memory, "2432Mi");
        assert.equal(serverContainerMemory("8g"), `${8192 + 820}Mi`);
    });

    it("rolls the server when its conf changes, and only then", () => {
        const hash = (c: Record<string, string>, restartOn?: string) =>
            (connectDeploymentSpec(serverArgs(c, { restartOn })) as any).template.metadata.annotations["spark-s3.io/conf-hash"];
        assert.equal(hash(conf), hash({ ...conf }));
        assert.notEqual(hash(conf), hash({ ...conf, "spark.dynamicAllocation.maxExecutors": "8" }));
        assert.notEqual(hash(conf), hash(conf, "token-v2"));
        assert.equal(hash(conf), confHash(connectConfigData(conf)));
    });

    it("gives executors the CA trust through a pod template file, and checks the conf points at it", () => {
        const trust = sparkTrustAdditions("s3-ca", kubernetes.image);
        const withTemplate = connectServerConf(
            args({
                platformConf: platformConf("directory", trustJavaOptions()),
                kubernetes: { ...kubernetes, executorPodTemplateFile: EXECUTOR_TEMPLATE_PATH },
            }),
        );
        const data = connectConfigData(withTemplate, trust);
        const template = JSON.parse(data[EXECUTOR_TEMPLATE_FILE]);
        assert.equal(template.spec.containers[0].name, "spark-kubernetes-executor");
        assert.equal(template.spec.initContainers[0].name, "s3-truststore");
        assert.ok(connectDeploymentSpec(serverArgs(withTemplate, { executorPod: trust, serverPod: trust })));
        assert.throws(
            () => connectDeploymentSpec(serverArgs(conf, { executorPod: trust })),
            /pod template and spark\.kubernetes\.executor\.podTemplateFile disagree/,
        );
        // The JVM options keep their space: one properties line, not two shell words.
        assert.ok(data["spark-defaults.conf"].includes(`spark.driver.extraJavaOptions ${trustJavaOptions()}\n`));
    });

    it("writes the properties file so that Java's Properties.load reads the values back", () => {
        const text = propertiesText({ "spark.a": "C:\\dir\\x", "spark.b": "x #not a comment", "spark.c": " lead" });
        assert.equal(text, "spark.a C:\\\\dir\\\\x\nspark.b x #not a comment\nspark.c \\ lead\n");
    });

    it("exposes the Connect port and the UI on a ClusterIP Service", () => {
        const svc = connectServiceSpec({ name: "spark-connect", conf }) as any;
        assert.equal(svc.type, "ClusterIP");
        assert.deepEqual(
            svc.ports.map((p: any) => [p.name, p.port, p.targetPort]),
            [
                ["grpc", 15002, "grpc"],
                ["spark-ui", 4040, "spark-ui"],
            ],
        );
        assert.deepEqual(svc.selector, (connectDeploymentSpec(serverArgs(conf)) as any).selector.matchLabels);
    });

    it("tells a client to come through localhost, with the token in the string or the environment", () => {
        assert.equal(connectionString("t0k"), "sc://localhost:15002/;token=t0k");
        assert.ok(clientExample().includes(`remote("sc://localhost:15002")`));
        assert.ok(clientExample().includes(`$${CONNECT_TOKEN_ENV}`));
    });
});
