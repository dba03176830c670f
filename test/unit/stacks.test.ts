/** The program per stack under strict mocks: the resource graph each stack file produces. */
import { strict as assert } from "assert";
import { dataBucketOptions } from "../../components/object-store/aws";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sparkConfFor } from "../../components/s3a-profile";
import { sparkRuntime } from "../../policy/s3a/versions";
import { selfSignedCert } from "../helpers/fake-flashblade";
import { sharedFile } from "../helpers/paths";
import { holdsSecret, runProgram, type ProgramRun } from "../helpers/stack";

const SPARK_APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";

function sparkApp(run: ProgramRun) {
    return run.one(SPARK_APP).inputs;
}

/** The staging claim: spark-staging plus a hash of size, class and hostPath. */
function stagingClaim(run: ProgramRun) {
    const claims = run
        .byType("kubernetes:core/v1:PersistentVolumeClaim")
        .filter((p) => /^spark-staging-[0-9a-f]{6}$/.test(p.inputs.metadata.name));
    assert.equal(claims.length, 1, "one staging claim");
    return claims[0];
}

describe("stack local (kind/minikube + in-cluster MinIO)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("local");
    });

    it("installs the operator chart 2.5.2 with a fixed release name, webhook off, CRD upgrade hook on", () => {
        const rel = run.one("kubernetes:helm.sh/v3:Release").inputs;
        assert.equal(rel.name, "spark-operator");
        assert.equal(rel.chart, "spark-operator");
        assert.equal(rel.version, "2.5.2");
        assert.equal(rel.repositoryOpts.repo, "https://kubeflow.github.io/spark-operator");
        assert.equal(rel.values.webhook.enable, false);
        assert.deepEqual(rel.values.spark.jobNamespaces, ["spark-jobs"]);
        assert.equal(rel.values.hook.upgradeCrd, true);
        assert.equal(rel.namespace, "spark-operator");
    });

    it("creates job namespace, service account and driver RBAC", () => {
        const names = run
            .byType("kubernetes:core/v1:Namespace")
            .map((n) => n.inputs.metadata.name)
            .sort();
        assert.deepEqual(names, ["minio", "spark-jobs", "spark-operator"]);
        const sa = run.one("kubernetes:core/v1:ServiceAccount", "spark-operator-spark-sa").inputs;
        assert.deepEqual([sa.metadata.name, sa.metadata.namespace], ["spark", "spark-jobs"]);
        const role = run.one("kubernetes:rbac.authorization.k8s.io/v1:Role").inputs;
        assert.ok(role.rules[0].resources.includes("pods") && role.rules[0].verbs.includes("create"));
        const rb = run.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").inputs;
        assert.deepEqual(rb.subjects, [{ kind: "ServiceAccount", name: "spark", namespace: "spark-jobs" }]);
    });

    it("deploys MinIO with a pinned image, a volume, a service and a setup job with a bucket-scoped key", () => {
        const dep = run.one("kubernetes:apps/v1:Deployment", "store-server").inputs;
        assert.match(dep.spec.template.spec.containers[0].image, /^quay\.io\/minio\/minio:RELEASE\./);
        assert.equal(run.one("kubernetes:core/v1:Service", "store-svc").inputs.metadata.name, "minio");
        const setup = run.byType("kubernetes:batch/v1:Job").find((j) => j.name.includes("store-setup"));
        assert.ok(setup, "MinIO setup job");
        const env = Object.fromEntries(setup!.inputs.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
        assert.equal(env.BUCKET, "doglover-local");
        const policy = JSON.parse(env.SPARK_POLICY);
        assert.deepEqual(policy.Statement[1].Resource, ["arn:aws:s3:::doglover-local/doglover", "arn:aws:s3:::doglover-local/doglover/*"]);
        // Root, Spark's key and the History Server's key (list/read/delete under spark-events/ only).
        assert.equal(run.byType("random:index/randomPassword:RandomPassword").length, 3);
        const reader = JSON.parse(env.HISTORY_POLICY);
        assert.deepEqual(reader.Statement[2].Action, ["s3:GetObject", "s3:DeleteObject"]);
        assert.deepEqual(reader.Statement[2].Resource, [
            "arn:aws:s3:::doglover-local/doglover/spark-events",
            "arn:aws:s3:::doglover-local/doglover/spark-events/*",
        ]);
    });

    it("backs the staging claim with a hostPath RWX volume bound to that claim, and prepares its directory", () => {
        const pv = run.one("kubernetes:core/v1:PersistentVolume").inputs;
        assert.deepEqual(pv.spec.accessModes, ["ReadWriteMany"]);
        assert.equal(pv.spec.hostPath.path, "/tmp/spark-s3-staging");
        const pvc = stagingClaim(run);
        assert.deepEqual(pvc.inputs.spec.accessModes, ["ReadWriteMany"]);
        assert.equal(pvc.inputs.spec.storageClassName, pv.spec.storageClassName);
        assert.equal(pvc.inputs.spec.resources.requests.storage, "5Gi");
        assert.deepEqual(pv.spec.claimRef, { namespace: "spark-jobs", name: pvc.inputs.metadata.name });
        assert.equal(pvc.inputs.spec.volumeName, pv.metadata.name);
        const init = run.byType("kubernetes:batch/v1:Job").find((j) => j.name.includes("staging-init"))!;
        assert.equal(
            init.inputs.spec.template.spec.containers[0].command[2],
            'mkdir -p "$STAGING/committer" && chmod 1777 "$STAGING" "$STAGING/committer"',
        );
    });

    it("names the PV after the claim it is bound to, and the claim after what cannot change in place", async () => {
        const pvName = (r: ProgramRun) => r.one("kubernetes:core/v1:PersistentVolume").inputs.metadata.name;
        const other = await runProgram("local", { "spark-s3:jobNamespace": "spark-other" });
        assert.notEqual(pvName(other), pvName(run), "another namespace, another PV (the old one stays bound to the old claim)");
        assert.match(pvName(run), /^spark-s3-staging-local-[0-9a-f]{8}$/);
        const bigger = await runProgram("local", { "spark-s3:stagingVolumeSize": "6Gi" });
        assert.notEqual(stagingClaim(bigger).inputs.metadata.name, stagingClaim(run).inputs.metadata.name, "a new size, a new claim");
        assert.equal(
            sparkApp(bigger).spec.sparkConf["spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.options.claimName"],
            stagingClaim(bigger).inputs.metadata.name,
        );
    });

    it("bounds every helper Job and keeps it when finished (no TTL: refresh must not re-run it)", async () => {
        const jobs = run.byType("kubernetes:batch/v1:Job");
        assert.equal(jobs.length, 4, jobs.map((j) => j.name).join(", "));
        for (const j of jobs) {
            assert.equal(j.inputs.spec.activeDeadlineSeconds, 600, j.name);
            assert.equal(j.inputs.spec.backoffLimit, 2, j.name);
            assert.equal(j.inputs.spec.ttlSecondsAfterFinished, undefined, j.name);
            assert.equal(j.inputs.spec.template.spec.restartPolicy, "Never", j.name);
        }
        const short = await runProgram("local", { "spark-s3:setupJobTimeoutMinutes": 1 });
        assert.deepEqual(
            short.byType("kubernetes:batch/v1:Job").map((j) => j.inputs.spec.activeDeadlineSeconds),
            [60, 60, 60, 60],
        );
    });

    it("renders the DogLover SparkApplication with the directory committer on the shared volume", () => {
        const app = sparkApp(run);
        assert.equal(app.apiVersion, "sparkoperator.k8s.io/v1beta2");
        assert.equal(app.metadata.name, "doglover-local");
        assert.equal(app.metadata.namespace, "spark-jobs");
        assert.equal(app.spec.sparkVersion, "4.0.4");
        assert.equal(app.spec.image, "apache/spark:4.0.4-scala2.13-java17-python3-ubuntu");
        assert.equal(app.spec.mainApplicationFile, "local:///opt/spark/jobs/doglover/doglover.py");
        assert.deepEqual(app.spec.arguments, [
            "--input",
            "s3a://doglover-local/doglover/input/",
            "--output",
            "s3a://doglover-local/doglover/output/dog_tweets",
            "--aggregates",
            "s3a://doglover-local/doglover/output/breed_daily",
            "--rejects",
            "s3a://doglover-local/doglover/output/rejects",
        ]);
        const c = app.spec.sparkConf;
        assert.equal(c["spark.hadoop.fs.s3a.committer.name"], "directory");
        assert.equal(c["spark.hadoop.fs.s3a.committer.staging.tmp.path"], "file:///staging/committer");
        assert.equal(c["spark.hadoop.fs.s3a.endpoint"], "http://minio.minio.svc.cluster.local:9000");
        assert.equal(c["spark.hadoop.fs.s3a.path.style.access"], "true");
        assert.equal(
            c["spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName"],
            stagingClaim(run).inputs.metadata.name,
        );
        assert.equal(c["spark.hadoop.fs.s3a.buffer.dir"], "/s3a-buffer");
        assert.equal(c["spark.kubernetes.executor.volumes.emptyDir.s3a-buffer.options.sizeLimit"], "10Gi");
        assert.equal(c["spark.kubernetes.driver.secretKeyRef.AWS_SECRET_ACCESS_KEY"], "spark-s3-credentials:AWS_SECRET_ACCESS_KEY");
        assert.equal(c["spark.jars.packages"], "org.apache.hadoop:hadoop-aws:3.4.1");
        // No 4.0.4 build of spark-hadoop-cloud on Maven Central: the newest 4.0.x, as one jar.
        assert.equal(
            c["spark.jars"],
            "https://repo1.maven.org/maven2/org/apache/spark/spark-hadoop-cloud_2.13/4.0.2/spark-hadoop-cloud_2.13-4.0.2.jar",
        );
        assert.equal(app.spec.driver.serviceAccount, "spark");
        assert.equal(app.spec.executor.instances, 1);
        assert.equal(app.spec.restartPolicy.type, "OnFailure");
        assert.equal(app.metadata.annotations["pulumi.com/waitFor"], "jsonpath={.status[?@.state=='COMPLETED' || @.state=='FAILED']}");
        assert.equal(app.spec.timeToLiveSeconds, undefined);
    });

    it("mounts the job ConfigMap through the driver pod template and seeds sample data through the credentials secret", () => {
        const app = sparkApp(run);
        const cm = run.one("kubernetes:core/v1:ConfigMap", "doglover-job-code");
        assert.equal(app.spec.driver.configMaps, undefined, "the webhook's configMaps field is not used");
        assert.deepEqual(app.spec.driver.template.spec.volumes, [{ name: "job-files", configMap: { name: cm.state.metadata.name } }]);
        assert.deepEqual(app.spec.driver.template.spec.containers[0].volumeMounts, [
            { name: "job-files", mountPath: "/opt/spark/jobs/doglover", readOnly: true },
        ]);
        assert.match(app.spec.driver.annotations["spark-s3.io/inputs"], /^[0-9a-f]{16}$/);
        assert.match(cm.inputs.data["doglover.py"], /def transform\(/);
        const seed = run.byType("kubernetes:batch/v1:Job").find((j) => j.name.includes("doglover-seed"))!;
        const gen = seed.inputs.spec.template.spec.initContainers[0].command;
        assert.deepEqual(gen.slice(0, 4), ["python3", "/opt/spark/jobs/doglover/generate_tweets.py", "--records", "20000"]);
        const upload = seed.inputs.spec.template.spec.containers[0];
        const key = upload.env.find((e: any) => e.name === "AWS_SECRET_ACCESS_KEY");
        assert.deepEqual(key.valueFrom.secretKeyRef, { name: "spark-s3-credentials", key: "AWS_SECRET_ACCESS_KEY" });
    });

    it("exports what a user needs", () => {
        const o = run.outputs;
        for (const k of ["bucket", "s3Endpoint", "jobNamespace", "sparkApplication", "output", "followCommand", "jobState"]) {
            assert.ok(k in o, `output ${k}`);
        }
    });
});

describe("stack dev (AWS S3 + IAM on EKS)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("dev");
    });

    it("creates the bucket with public access block, encryption, TLS-only policy and multipart abort rule", () => {
        const b = run.one("aws:s3/bucket:Bucket");
        assert.equal(b.inputs.bucket, "acme-spark-s3-dev-data");
        const pab = run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        assert.deepEqual(
            [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
            [true, true, true, true],
        );
        const sse = run.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs;
        assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
        const lc = run.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs;
        assert.equal(lc.rules[0].status, "Enabled");
        assert.equal(lc.rules[0].abortIncompleteMultipartUpload.daysAfterInitiation, 2);
        const pol = JSON.parse(run.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        assert.deepEqual(pol.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.equal(run.byType("aws:s3/bucketVersioning:BucketVersioning").length, 1);
    });

    it("gives Spark's pods an IAM role with a least-privilege policy: no s3:*, no * resource", () => {
        const doc = JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy", "spark-store-spark").inputs.policy);
        const actions = doc.Statement.flatMap((s: any) => s.Action);
        const resources = doc.Statement.flatMap((s: any) => s.Resource);
        assert.ok(!actions.some((a: string) => a === "s3:*" || a === "*"), actions.join(","));
        assert.ok(!resources.some((r: string) => r === "*" || r === "arn:aws:s3:::*"), resources.join(","));
        assert.ok(resources.every((r: string) => r.startsWith("arn:aws:s3:::acme-spark-s3-dev-data")));
        assert.ok(actions.includes("s3:AbortMultipartUpload"), "committers abort uploads");
    });

    it("stages on the EFS class the stack creates, and reaches S3 by region", () => {
        assert.equal(stagingClaim(run).inputs.spec.storageClassName, "spark-s3-efs-dev");
        assert.equal(run.byType("kubernetes:core/v1:PersistentVolume").length, 0);
        const c = sparkApp(run).spec.sparkConf;
        assert.equal(c["spark.hadoop.fs.s3a.endpoint.region"], "eu-west-1");
        assert.equal(c["spark.hadoop.fs.s3a.endpoint"], undefined);
        assert.equal(c["spark.hadoop.fs.s3a.path.style.access"], "false");
        assert.equal(sparkApp(run).spec.executor.instances, 4);
        assert.equal(sparkApp(run).metadata.annotations["pulumi.com/skipAwait"], "true");
    });

    it("deletes noncurrent versions of the versioned bucket (overwritten output, expired review data), not without versioning", async () => {
        const rules = run.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
        assert.deepEqual(
            rules.find((r: any) => r.id === "expire-noncurrent-versions"),
            {
                id: "expire-noncurrent-versions",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays: 30 },
                expiration: { expiredObjectDeleteMarker: true },
            },
        );
        const unversioned = await runProgram("dev", { "spark-s3:bucketVersioning": false });
        const plain = unversioned.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
        assert.equal(
            plain.find((r: any) => r.id === "expire-noncurrent-versions"),
            undefined,
        );
    });

    it("protects the data bucket and keeps it on destroy (and lets it go when protectBucket=false)", () => {
        assert.deepEqual(dataBucketOptions(true), { protect: true, retainOnDelete: true });
        assert.deepEqual(dataBucketOptions(false), { protect: false, retainOnDelete: false });
        assert.equal(run.one("aws:s3/bucket:Bucket").inputs.forceDestroy, false);
    });
});

describe("stack flashblade (FlashBlade S3 + Portworx NFS)", () => {
    const TOKEN = "T-stack-token-never-in-state-0001";
    const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("flashblade", { "spark-s3:flashbladeApiToken": TOKEN }, ["spark-s3:flashbladeApiToken"]);
    });

    it("creates account, user, access key and bucket as FlashBlade dynamic resources", () => {
        const dyn = run
            .byType(DYNAMIC)
            .map((r) => r.name)
            .sort();
        assert.deepEqual(dyn, [
            "spark-store-account",
            "spark-store-bucket",
            "spark-store-history-key",
            "spark-store-history-user",
            "spark-store-key",
            "spark-store-user",
        ]);
        const user = run.one(DYNAMIC, "spark-store-user").inputs;
        assert.equal(user.name, "spark/spark");
        assert.equal(user.fullAccess, false);
        assert.ok(!user.policies.includes("pure:policy/full-access"));
        const bucket = run.one(DYNAMIC, "spark-store-bucket").inputs;
        assert.deepEqual([bucket.name, bucket.account, bucket.eradicateOnDelete], ["spark-doglover", "spark", false]);
    });

    it("keeps the API token secret: secret inputs, and not in the serialized provider", () => {
        for (const r of run.byType(DYNAMIC)) {
            assert.ok(holdsSecret(r.rawInputs.connection), `${r.name}: connection is a secret input`);
            assert.equal(r.inputs.connection.apiToken, TOKEN);
            assert.equal(typeof r.inputs.__provider, "string");
            assert.ok(r.inputs.__provider.length > 1000, "the provider code is serialized into the state");
            assert.ok(!r.inputs.__provider.includes(TOKEN), `${r.name}: token in the serialized provider`);
        }
        for (const r of run.resources.filter((r) => r.type !== DYNAMIC)) {
            assert.ok(!JSON.stringify(r.inputs).includes(TOKEN), `${r.type} ${r.name} holds the token`);
        }
    });

    it("points Spark at the data VIP with path style and stages on the Portworx FlashBlade class", () => {
        const c = sparkApp(run).spec.sparkConf;
        assert.equal(c["spark.hadoop.fs.s3a.endpoint"], "https://10.21.200.10");
        assert.equal(c["spark.hadoop.fs.s3a.path.style.access"], "true");
        assert.equal(c["spark.hadoop.fs.s3a.connection.ssl.enabled"], "true");
        assert.equal(c["spark.hadoop.fs.s3a.endpoint.region"], "us-east-1");
        assert.equal(stagingClaim(run).inputs.spec.storageClassName, "px-fb-direct-access-nfsv4");
    });

    it("fails at preview without the API token, naming the key", async () => {
        await assert.rejects(
            runProgram("flashblade"),
            /spark-s3:flashbladeApiToken: is required for objectStore flashblade. Valid example: .*pulumi config set --secret spark-s3:flashbladeApiToken <token>/,
        );
    });
});

describe("installOperator=false (shared cluster)", () => {
    it("skips the Helm release but still creates job namespace, service account and RBAC", async () => {
        const run = await runProgram("local", { "spark-s3:installOperator": false });
        assert.equal(run.byType("kubernetes:helm.sh/v3:Release").length, 0);
        assert.ok(run.byType("kubernetes:core/v1:Namespace").some((n) => n.inputs.metadata.name === "spark-jobs"));
        assert.ok(!run.byType("kubernetes:core/v1:Namespace").some((n) => n.inputs.metadata.name === "spark-operator"));
        // Spark's, and the History Server's (which has no RBAC: it reads S3 only).
        assert.deepEqual(
            run.byType("kubernetes:core/v1:ServiceAccount").map((s) => s.name),
            ["spark-operator-spark-sa", "spark-history-sa"],
        );
        assert.equal(run.byType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").length, 1);
    });
});

describe("air-gapped clusters (operatorChart, imageRegistry)", () => {
    it("pulls every image the local stack deploys through the mirror and installs the chart from a local path", async () => {
        const chart = sharedFile("contracts", "spark-operator-2.5.2", "chart");
        const run = await runProgram("local", { "spark-s3:imageRegistry": "registry.example.com/mirror", "spark-s3:operatorChart": chart });
        const images: string[] = [];
        const collect = (v: unknown): void => {
            if (Array.isArray(v)) v.forEach(collect);
            else if (v && typeof v === "object") {
                for (const [k, x] of Object.entries(v)) {
                    if (k === "image" && typeof x === "string") images.push(x);
                    else collect(x);
                }
            }
        };
        for (const r of run.resources) collect(r.inputs);
        assert.ok(images.length >= 5, images.join(", "));
        for (const image of images) assert.match(image, /^registry\.example\.com\/mirror\//, image);
        const rel = run.one("kubernetes:helm.sh/v3:Release").inputs;
        assert.equal(rel.chart, chart);
        assert.equal(rel.repositoryOpts, undefined);
        assert.equal(rel.values.image.registry, "registry.example.com/mirror");
        assert.equal(rel.values.hook.image.registry, "registry.example.com/mirror");
    });
});

describe("s3CaBundle (a private CA on the S3 endpoint)", () => {
    it("builds a truststore in driver and executor pods, points the JVMs at it, and lets mc trust the CA", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3ca-"));
        try {
            const ca = path.join(dir, "s3-ca.pem");
            fs.writeFileSync(ca, selfSignedCert().cert);
            const token = { "spark-s3:flashbladeApiToken": "T-fake-api-token-for-tests" };
            const run = await runProgram("flashblade", { ...token, "spark-s3:s3CaBundle": ca }, ["spark-s3:flashbladeApiToken"]);
            const cm = run.one("kubernetes:core/v1:ConfigMap", "spark-trust-ca");
            assert.equal(cm.inputs.data["ca.crt"], selfSignedCert().cert);
            const app = sparkApp(run);
            for (const role of ["driver", "executor"]) {
                const tpl = app.spec[role].template.spec;
                const init = tpl.initContainers.find((c: any) => c.name === "s3-truststore");
                assert.ok(init, `${role}: truststore init container`);
                assert.equal(init.image, app.spec.image, "the same image, which has keytool");
                assert.match(init.command[2], /keytool" -importcert/);
                assert.deepEqual(tpl.volumes.find((v: any) => v.name === "s3-ca").configMap, { name: cm.state.metadata.name });
                assert.ok(tpl.containers[0].volumeMounts.some((m: any) => m.name === "s3-truststore" && m.readOnly));
                assert.equal(
                    app.spec.sparkConf[`spark.${role}.extraJavaOptions`],
                    "-Djavax.net.ssl.trustStore=/opt/spark-s3/truststore/cacerts -Djavax.net.ssl.trustStorePassword=changeit",
                );
            }
            assert.equal(app.spec.executor.template.spec.containers[0].name, "spark-kubernetes-executor");
            const seed = run.byType("kubernetes:batch/v1:Job").find((j) => j.name.includes("doglover-seed"))!;
            const upload = seed.inputs.spec.template.spec.containers[0];
            assert.ok(upload.volumeMounts.some((m: any) => m.name === "s3-ca" && m.mountPath === "/tmp/.mc/certs/CAs"));
            const without = await runProgram("flashblade", token, ["spark-s3:flashbladeApiToken"]);
            assert.equal(sparkApp(without).spec.executor.template, undefined);
            assert.equal(sparkApp(without).spec.sparkConf["spark.driver.extraJavaOptions"], undefined);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("keeps a user's own JVM options and adds the truststore's after them", () => {
        const conf = sparkConfFor({
            endpoint: { url: "https://10.0.0.1", region: "us-east-1", pathStyle: true, tls: true },
            committer: "magic",
            conflictMode: "append",
            runtime: sparkRuntime("4.0.4"),
            staging: { volumeName: "staging", claimName: "c", mountPath: "/staging" },
            buffer: { volumeName: "b", mountPath: "/b", sizeLimit: "1Gi" },
            credentials: { secretName: "s", accessKeyIdKey: "a", secretAccessKeyKey: "b" },
            packages: false,
            overrides: { "spark.driver.extraJavaOptions": "-XX:+UseG1GC" },
            javaOptions: "-Dx=y",
        });
        assert.equal(conf["spark.driver.extraJavaOptions"], "-XX:+UseG1GC -Dx=y");
        assert.equal(conf["spark.executor.extraJavaOptions"], "-Dx=y");
    });
});
