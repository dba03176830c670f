/**
 * spark-s3-guardrails: S3A committer guardrails for Spark on Kubernetes.
 *   pulumi preview --policy-pack ./policy [--policy-pack-config ./policy/config/local.json]
 * The entry only assembles the policies (policies/); the checks are plain functions (s3a/).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("spark-s3-guardrails", { policies });
