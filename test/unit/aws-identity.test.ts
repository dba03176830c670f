/**
 * AWS as platform teams run it: Spark's S3 permissions through EKS Pod Identity or IRSA (no key
 * anywhere) or an IAM user's key; the EFS staging volume created by the stack; the EKS add-ons;
 * and the preview-time check that an existing staging storage class is there.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { kubeTarget, storageClassProblem } from "../../components/cluster-check";
import { EfsStaging, efsStorageClassParameters, mountTargetSubnets } from "../../components/efs-staging";
import { irsaTrustPolicy, podIdentityTrustPolicy } from "../../components/object-store/aws";
import { POLICY } from "../../policy/s3a/checks";
import { selfSignedCert } from "../helpers/fake-flashblade";
import { ROOT } from "../helpers/paths";
import { fired, firedMandatory, fromMocks, runPack } from "../helpers/policy";
import { runProgram, type ProgramRun } from "../helpers/stack";

const APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
const packConfig = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "dev.json"), "utf8"));
const provider = (run: ProgramRun) => run.one(APP).inputs.spec.sparkConf["spark.hadoop.fs.s3a.aws.credentials.provider"];
const value = <T>(o: unknown) => new Promise<T>((r) => (o as pulumi.Output<T>).apply(r));

/** No key material, no secretKeyRef, no credentials Secret: the pods' identity carries the permissions. */
function assertNoKeyAnywhere(run: ProgramRun) {
    assert.equal(run.byType("aws:iam/user:User").length, 0);
    assert.equal(run.byType("aws:iam/accessKey:AccessKey").length, 0);
    assert.ok(!run.byType("kubernetes:core/v1:Secret").some((s) => s.inputs.metadata.name === "spark-s3-credentials"));
    const conf = run.one(APP).inputs.spec.sparkConf;
    assert.ok(
        !Object.keys(conf).some((k) => k.includes("secretKeyRef") || /access\.key|secret\.key/.test(k)),
        Object.keys(conf).join(", "),
    );
    const seed = run.byType("kubernetes:batch/v1:Job").find((j) => j.name.includes("doglover-seed"))!;
    const upload = seed.inputs.spec.template.spec.containers[0];
    assert.ok(!upload.env.some((e: any) => e.name.startsWith("AWS_ACCESS") || e.name.startsWith("AWS_SECRET")));
    assert.equal(upload.image, "amazon/aws-cli:2.32.8", "the AWS CLI reads pod identities; mc does not know Pod Identity");
    assert.equal(seed.inputs.spec.template.spec.serviceAccountName, "spark", "the seed uploads as Spark's identity");
    assert.equal(run.outputs.s3AccessKeyId, undefined);
    assert.equal(run.outputs.s3SecretAccessKey, undefined);
}

describe("AWS workload identity (awsAuth)", () => {
    it("podIdentity (dev's default): a role only the EKS Pod Identity service assumes, associated with the Spark service account", async () => {
        const run = await runProgram("dev");
        const role = run.one("aws:iam/role:Role", "spark-store-spark-role").inputs;
        assert.deepEqual(JSON.parse(role.assumeRolePolicy), podIdentityTrustPolicy());
        assert.deepEqual(podIdentityTrustPolicy().Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        assert.deepEqual(podIdentityTrustPolicy().Statement[0].Action, ["sts:AssumeRole", "sts:TagSession"]);
        const assoc = run.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "spark-store-spark").inputs;
        assert.deepEqual([assoc.clusterName, assoc.namespace, assoc.serviceAccount], ["spark-dev", "spark-jobs", "spark"]);
        assert.equal(provider(run), "org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider");
        const app = run.one(APP).inputs;
        assert.equal(app.spec.driver.serviceAccount, "spark");
        assert.equal(app.spec.executor.serviceAccount, "spark", "executors read S3 with the same identity");
        assert.equal(run.one("kubernetes:core/v1:ServiceAccount", "spark-operator-spark-sa").inputs.metadata.annotations, undefined);
        assertNoKeyAnywhere(run);
        assert.ok(await value<string>(run.outputs.sparkRoleArn));
    });

    it("irsa: the role trusts only the cluster's OIDC issuer, for STS, for system:serviceaccount:<ns>:<sa>; the service account names the role", async () => {
        const run = await runProgram("dev", { "spark-s3:awsAuth": "irsa" });
        const trust = JSON.parse(run.one("aws:iam/role:Role", "spark-store-spark-role").inputs.assumeRolePolicy);
        const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";
        assert.deepEqual(trust, irsaTrustPolicy("123456789012", `https://${issuer}`, "spark-jobs", "spark"));
        const st = trust.Statement[0];
        assert.equal(st.Principal.Federated, `arn:aws:iam::123456789012:oidc-provider/${issuer}`);
        assert.equal(st.Action, "sts:AssumeRoleWithWebIdentity");
        assert.deepEqual(st.Condition.StringEquals, {
            [`${issuer}:aud`]: "sts.amazonaws.com",
            [`${issuer}:sub`]: "system:serviceaccount:spark-jobs:spark",
        });
        assert.equal(run.byType("aws:eks/podIdentityAssociation:PodIdentityAssociation").length, 0);
        const sa = run.one("kubernetes:core/v1:ServiceAccount", "spark-operator-spark-sa").inputs;
        assert.match(sa.metadata.annotations["eks.amazonaws.com/role-arn"], /store-spark-role/);
        assert.equal(provider(run), "software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider");
        assertNoKeyAnywhere(run);
    });

    it("irsa on the Spark 3.5 row uses SDK v1's web identity provider; podIdentity there is refused with what to use", async () => {
        const run = await runProgram("dev", { "spark-s3:awsAuth": "irsa", "spark-s3:sparkVersion": "3.5.7", "spark-s3:sparkImage": "" });
        assert.equal(provider(run), "com.amazonaws.auth.WebIdentityTokenCredentialsProvider");
        await assert.rejects(
            runProgram("dev", { "spark-s3:sparkVersion": "3.5.7" }),
            /spark-s3:awsAuth: podIdentity needs the AWS SDK v2 of Hadoop 3.4 \(Spark 4.0\).*Valid example: spark-s3:awsAuth: irsa/,
        );
    });

    it("accessKey: an IAM user, its key in a Kubernetes Secret, the environment provider, mc-free upload with the keys", async () => {
        const run = await runProgram("dev", { "spark-s3:awsAuth": "accessKey" });
        assert.deepEqual(
            run.byType("aws:iam/accessKey:AccessKey").map((k) => k.name),
            ["spark-store-spark-key", "spark-store-history-key"],
        );
        assert.equal(run.byType("aws:iam/role:Role").filter((r) => r.name === "spark-store-spark-role").length, 0);
        assert.equal(provider(run), "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider");
        const upload = run.byType("kubernetes:batch/v1:Job").find((j) => j.name.includes("doglover-seed"))!.inputs.spec.template.spec
            .containers[0];
        assert.ok(
            upload.env.some((e: any) => e.name === "AWS_SECRET_ACCESS_KEY" && e.valueFrom.secretKeyRef.name === "spark-s3-credentials"),
        );
    });

    for (const auth of ["podIdentity", "irsa", "accessKey"]) {
        it(`${auth}: the dev stack passes the policy pack (nothing fires)`, async () => {
            const run = await runProgram("dev", { "spark-s3:awsAuth": auth });
            const reported = runPack(fromMocks(run.resources), packConfig);
            assert.deepEqual(firedMandatory(reported), [], JSON.stringify(reported, null, 1));
            assert.deepEqual(fired(reported), [], JSON.stringify(reported, null, 1));
        });
    }

    it("the pack still rejects a literal key next to a pod identity", async () => {
        const run = await runProgram("dev");
        const resources = fromMocks(run.resources);
        const app = resources.find((r) => r.type === APP)!;
        (app.props as any).spec.sparkConf["spark.hadoop.fs.s3a.secret.key"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert.ok(firedMandatory(runPack(resources, packConfig)).includes(POLICY.credentials));
    });

    it("names the missing cluster for the modes that need it", async () => {
        await assert.rejects(
            runProgram("dev", { "spark-s3:eksClusterName": "" }),
            /spark-s3:eksClusterName: is required for awsAuth podIdentity, efs create, eksAddons/,
        );
    });
});

describe("EFS staging created by the stack (efs: create)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("dev");
    });

    it("an encrypted file system, NFS admitted from the cluster's node security group only", () => {
        assert.equal(run.one("aws:efs/fileSystem:FileSystem").inputs.encrypted, true);
        const sg = run.one("aws:ec2/securityGroup:SecurityGroup").inputs;
        assert.equal(sg.vpcId, "vpc-0123");
        assert.deepEqual(
            sg.ingress.map((r: any) => [r.protocol, r.fromPort, r.toPort, r.securityGroups]),
            [["tcp", 2049, 2049, ["sg-cluster"]]],
        );
        assert.deepEqual(sg.egress, []);
    });

    it("one mount target per zone, in the cluster's private subnets", () => {
        const mts = run
            .byType("aws:efs/mountTarget:MountTarget")
            .map((m) => m.inputs.subnetId)
            .sort();
        assert.deepEqual(mts, ["subnet-a-private", "subnet-b-private"]);
        assert.deepEqual(
            mountTargetSubnets([
                { id: "s2", availabilityZone: "b", mapPublicIpOnLaunch: false },
                { id: "s1", availabilityZone: "a", mapPublicIpOnLaunch: false },
                { id: "s3", availabilityZone: "a", mapPublicIpOnLaunch: false },
                { id: "p1", availabilityZone: "c", mapPublicIpOnLaunch: true },
            ]),
            ["s1", "s2"],
        );
    });

    it("the efs.csi.aws.com class gives each claim an access point with Spark's uid/gid; the staging claim uses it", () => {
        const sc = run.one("kubernetes:storage.k8s.io/v1:StorageClass").inputs;
        assert.equal(sc.provisioner, "efs.csi.aws.com");
        assert.equal(sc.metadata.name, "spark-s3-efs-dev");
        assert.deepEqual({ ...sc.parameters, fileSystemId: "fs" }, { ...efsStorageClassParameters("fs") });
        assert.deepEqual(
            [sc.parameters.provisioningMode, sc.parameters.uid, sc.parameters.gid, sc.parameters.directoryPerms],
            ["efs-ap", "185", "185", "775"],
        );
        const claim = run
            .byType("kubernetes:core/v1:PersistentVolumeClaim")
            .find((c) => c.inputs.metadata.name.startsWith("spark-staging-"))!;
        assert.equal(claim.inputs.spec.storageClassName, "spark-s3-efs-dev");
    });

    it("subnets and node security groups from config override what is read from the cluster", async () => {
        const o = await runProgram("dev", { "spark-s3:efsSubnetIds": ["subnet-x"], "spark-s3:efsNodeSecurityGroupIds": ["sg-nodes"] });
        assert.deepEqual(
            o.byType("aws:efs/mountTarget:MountTarget").map((m) => m.inputs.subnetId),
            ["subnet-x"],
        );
        assert.deepEqual(o.one("aws:ec2/securityGroup:SecurityGroup").inputs.ingress[0].securityGroups, ["sg-nodes"]);
    });

    it("the EFS CSI driver and the Pod Identity agent as EKS add-ons when asked; the driver's controller gets its IAM role", () => {
        const addons = run
            .byType("aws:eks/addon:Addon")
            .map((a) => a.inputs.addonName)
            .sort();
        assert.deepEqual(addons, ["aws-efs-csi-driver", "eks-pod-identity-agent"]);
        const efs = run.byType("aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-efs-csi-driver")!.inputs;
        assert.equal(efs.podIdentityAssociations[0].serviceAccount, "efs-csi-controller-sa");
        const attach = run.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs;
        assert.equal(attach.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy");
    });

    it("keeps the file system on destroy with a protected bucket; the class waits for the mount targets", async () => {
        const seen = new Map<string, pulumi.ResourceOptions>();
        const record: pulumi.ResourceTransformation = (a) => {
            seen.set(`${a.type} ${a.name}`, a.opts);
            return undefined;
        };
        const cluster = pulumi.output({ vpcId: "vpc-1", clusterSecurityGroupId: "sg-c", subnetIds: [] as string[] });
        for (const retain of [true, false]) {
            seen.clear();
            const efs = new EfsStaging(
                `t${retain}`,
                {
                    stack: "dev",
                    cluster: cluster as any,
                    subnetIds: ["subnet-1"],
                    nodeSecurityGroupIds: [],
                    retainOnDelete: retain,
                    tags: {},
                },
                { transformations: [record] },
            );
            await value(efs.fileSystemId);
            await new Promise((r) => setTimeout(r, 50));
            assert.equal(seen.get(`aws:efs/fileSystem:FileSystem t${retain}-fs`)?.retainOnDelete, retain);
            const mt = seen.get(`aws:efs/mountTarget:MountTarget t${retain}-mt-subnet-1`);
            assert.ok(mt, [...seen.keys()].join(", "));
            const classDeps = await value<pulumi.Resource[]>(
                seen.get(`kubernetes:storage.k8s.io/v1:StorageClass t${retain}-class`)!.dependsOn,
            );
            assert.equal(classDeps.length, 1, "the class depends on the mount target: destroyed before it, claims before both");
            assert.ok(pulumi.CustomResource.isInstance(classDeps[0]));
        }
    });

    it("refuses efs create on another store or beside a hostPath volume", async () => {
        await assert.rejects(
            runProgram("local", { "spark-s3:efs": "create" }),
            /spark-s3:efs: create applies to objectStore aws only, not minio/,
        );
        await assert.rejects(
            runProgram("dev", { "spark-s3:stagingHostPath": "/tmp/x" }),
            /spark-s3:stagingHostPath: is set while efs is create/,
        );
    });
});

/** A Kubernetes API stand-in on 127.0.0.1 that knows one storage class and checks the bearer token. */
async function fakeApiServer(token: string, classes: string[]) {
    const { key, cert } = selfSignedCert();
    const seen: string[] = [];
    const server = https.createServer({ key, cert }, (req, res) => {
        seen.push(`${req.method} ${req.url}`);
        if (req.headers.authorization !== `Bearer ${token}`) {
            res.writeHead(401).end();
            return;
        }
        const m = /^\/apis\/storage\.k8s\.io\/v1\/storageclasses\/(.+)$/.exec(req.url ?? "");
        if (m && classes.includes(decodeURIComponent(m[1])))
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ kind: "StorageClass" }));
        else res.writeHead(404).end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
        url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        close: () => new Promise<void>((r) => server.close(() => r())),
    };
}

describe("existing staging storage class, checked at preview", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubecheck-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function kubeconfig(server: string, user: Record<string, unknown>): string {
        const file = path.join(dir, "config");
        const ca = Buffer.from(selfSignedCert().cert).toString("base64");
        fs.writeFileSync(
            file,
            [
                "apiVersion: v1",
                "kind: Config",
                "current-context: dev",
                "contexts: [{name: dev, context: {cluster: c, user: u}}]",
                `clusters: [{name: c, cluster: {server: "${server}", certificate-authority-data: ${ca}}}]`,
                `users: [{name: u, user: ${JSON.stringify(user)}}]`,
                "",
            ].join("\n"),
        );
        return file;
    }

    it("passes for a class the cluster has; names the key and what to do for one it lacks", async () => {
        const api = await fakeApiServer("T0", ["efs-sc"]);
        try {
            const target = kubeTarget([kubeconfig(api.url, { token: "T0" })]);
            const warnings: string[] = [];
            assert.equal(await storageClassProblem("efs-sc", (m) => warnings.push(m), target), undefined);
            const problem = await storageClassProblem("efs-sk", (m) => warnings.push(m), target);
            assert.match(
                problem!,
                /the staging storage class "efs-sk" does not exist in the cluster of kubeconfig context "dev" \(spark-s3:stagingStorageClass\)/,
            );
            assert.match(problem!, /spark-s3:efs: create/);
            assert.deepEqual(warnings, []);
            assert.ok(api.seen.includes("GET /apis/storage.k8s.io/v1/storageclasses/efs-sk"));
        } finally {
            await api.close();
        }
    });

    it("gets its token from an exec credential plugin (as EKS kubeconfigs do)", async () => {
        const api = await fakeApiServer("T-from-exec", ["efs-sc"]);
        try {
            const plugin = path.join(dir, "get-token.sh");
            fs.writeFileSync(
                plugin,
                `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"T-from-exec"}}'\n`,
                { mode: 0o755 },
            );
            const target = kubeTarget([
                kubeconfig(api.url, { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: plugin } }),
            ]);
            assert.equal(await storageClassProblem("efs-sc", () => undefined, target), undefined);
        } finally {
            await api.close();
        }
    });

    it("an unreachable cluster is a warning, not a failure (the provider reports it in its own words)", async () => {
        const warnings: string[] = [];
        const target = kubeTarget([kubeconfig("https://127.0.0.1:1", { token: "x" })]);
        assert.equal(await storageClassProblem("efs-sc", (m) => warnings.push(m), target), undefined);
        assert.match(warnings.join("\n"), /could not reach https:\/\/127.0.0.1:1 to check the staging storage class "efs-sc"/);
    });
});
