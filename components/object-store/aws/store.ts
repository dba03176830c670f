/**
 * AWS as a store of the registry: the S3 bucket and Spark's identity (IAM role through EKS Pod
 * Identity or IRSA, or an IAM user's key), and what AWS adds to the platform: the EKS add-ons
 * and the EFS file system the staging volume can live on.
 */
import { EfsStaging, EksAddons, eksClusterFacts } from "../../efs-staging";
import { HISTORY_SERVICE_ACCOUNT } from "../../observability";
import { mirrored } from "../../images";
import { platformStore, type StoreModule } from "../types";
import { AWS_KEYS, readAwsSettings, type AwsSettings } from "./config";
import { AwsObjectStore } from "./index";

export const AWS_STORE: StoreModule<AwsSettings> = {
    kind: "aws",
    keys: Object.values(AWS_KEYS),
    derivesBucketName: false,
    read: readAwsSettings,
    createsStagingClass: (a) => a.efs === "create",
    check(r, a, ctx) {
        if (a.region === "")
            r.problems.push({ key: "aws:region", problem: "is required for objectStore aws", example: "aws:region: eu-west-1" });
        const needsCluster = [
            ...(a.auth !== "accessKey" ? [`awsAuth ${a.auth}`] : []),
            ...(a.efs === "create" ? ["efs create"] : []),
            ...(a.eksAddons.length ? ["eksAddons"] : []),
        ];
        if (needsCluster.length && a.eksClusterName === "") {
            r.failOn(
                AWS_KEYS.eksClusterName,
                `is required for ${needsCluster.join(", ")}: the program reads the cluster's network and identity from it`,
            );
        }
        if (a.auth === "podIdentity" && ctx.runtime.awsSdk !== "v2") {
            r.fail(
                AWS_KEYS.awsAuth.key,
                `podIdentity needs the AWS SDK v2 of Hadoop 3.4 (Spark 4.0); Spark ${ctx.runtime.spark} has hadoop-aws ${ctx.runtime.hadoop} with SDK v1, which cannot read EKS Pod Identity credentials`,
                "irsa",
            );
        }
        if (a.efs === "create" && ctx.hostPathStaging) {
            r.fail("stagingHostPath", "is set while efs is create: choose one staging volume", '""');
        }
    },
    checkElsewhere(r, a, kind) {
        if (a.existingBucket) r.fail(AWS_KEYS.existingBucket.key, `applies to objectStore aws only, not ${kind}`, "false");
        if (a.efs === "create") r.fail(AWS_KEYS.efs.key, `create applies to objectStore aws only, not ${kind}`, "existing");
    },
    create(a, ctx) {
        const s = ctx.settings;
        const tags = { "spark-s3:stack": ctx.stack };
        // The EKS cluster, read where Spark's identity, the EFS staging or add-ons need it.
        const eks =
            a.eksClusterName && (a.auth !== "accessKey" || a.efs === "create" || a.eksAddons.length)
                ? eksClusterFacts(a.eksClusterName)
                : undefined;
        const addons =
            eks && a.eksAddons.length
                ? new EksAddons(ctx.child("eks").name, { clusterName: a.eksClusterName, addons: a.eksAddons, tags }, ctx.child("eks").opts)
                : undefined;
        const own = ctx.child("store");
        const store = new AwsObjectStore(
            own.name,
            {
                bucketName: s.bucketName,
                region: a.region,
                dataPrefix: s.dataPrefix,
                versioning: s.versioning,
                protect: a.protect,
                existingBucket: a.existingBucket,
                reviewDataExpirationDays: a.reviewDataExpirationDays,
                noncurrentVersionExpirationDays: a.noncurrentVersionExpirationDays,
                auth: a.auth,
                eks:
                    a.auth === "accessKey" || !eks
                        ? undefined
                        : {
                              clusterName: a.eksClusterName,
                              oidcIssuer: eks.oidcIssuer,
                              namespace: ctx.jobNamespace,
                              serviceAccount: ctx.serviceAccount,
                          },
                eventLogReader: ctx.eventLogReader ? { serviceAccount: HISTORY_SERVICE_ACCOUNT } : undefined,
            },
            own.opts,
        );
        // Staging on an EFS the stack creates (after the CSI driver add-on, which provisions its access points).
        const efs =
            eks && a.efs === "create"
                ? new EfsStaging(
                      ctx.child("efs").name,
                      {
                          stack: ctx.stack,
                          cluster: eks,
                          subnetIds: a.efsSubnetIds,
                          nodeSecurityGroupIds: a.efsNodeSecurityGroupIds,
                          retainOnDelete: a.protect,
                          tags,
                      },
                      { ...ctx.child("efs").opts, dependsOn: addons ? addons.ready : [] },
                  )
                : undefined;
        return platformStore(store, {
            auth: a.auth === "accessKey" ? "keys" : a.auth,
            roleArn: store.roleArn,
            serviceAccountAnnotations: store.serviceAccountAnnotations,
            staging: efs ? { storageClassName: efs.storageClassName, ready: efs.ready } : undefined,
            client: { kind: "awscli", image: mirrored(a.cliImage, ctx.imageRegistry), region: a.region },
        });
    },
};
