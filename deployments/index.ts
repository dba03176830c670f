/**
 * Pulumi Deployments settings for the spark-s3 stacks: previews on pull requests, review stacks
 * from the `pr` template, deploy on merge where configured, AWS by OIDC, the FlashBlade token as
 * a secret environment variable.
 *   cd deployments && npx pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import { configProblems, deploymentSettingsFor, type DeploymentsConfig } from "./settings";

const config = new pulumi.Config();
const token = config.getSecret("flashbladeApiToken");
const kubeconfig = config.getSecret("flashbladeKubeconfig");
const cfg: DeploymentsConfig = {
    organization: config.get("organization") ?? "",
    repository: config.get("repository") ?? "acme/spark-s3",
    branch: config.get("branch") ?? "main",
    project: config.get("project") ?? "spark-s3",
    stacks: config.getObject<string[]>("stacks") ?? ["dev", "flashblade", "pr"],
    deployOnMerge: config.getObject<string[]>("deployOnMerge") ?? ["dev"],
    awsRoleArn: config.get("awsRoleArn") ?? "",
    awsRegion: config.get("awsRegion") ?? "eu-west-1",
    eksClusterName: config.get("eksClusterName") ?? "",
    hasFlashbladeToken: token !== undefined,
    hasFlashbladeKubeconfig: kubeconfig !== undefined,
    flashbladeAgentPoolId: config.get("flashbladeAgentPoolId") ?? "",
};
const problems = configProblems(cfg);
if (problems.length) throw new Error(`invalid configuration:\n  - ${problems.join("\n  - ")}`);

const secrets: Record<string, pulumi.Output<string> | undefined> = { FLASHBLADE_API_TOKEN: token, FLASHBLADE_KUBECONFIG: kubeconfig };

export const settings = cfg.stacks.map((stack) => {
    const spec = deploymentSettingsFor(stack, cfg);
    const { secretEnvironmentVariables, ...operationContext } = spec.operationContext;
    const environmentVariables: Record<string, pulumi.Input<string>> = { ...operationContext.environmentVariables };
    for (const name of secretEnvironmentVariables) environmentVariables[name] = pulumi.secret(secrets[name]!);
    return new service.DeploymentSettings(`${stack}-deployment-settings`, {
        organization: spec.organization,
        project: spec.project,
        stack: spec.stack,
        agentPoolId: spec.agentPoolId,
        sourceContext: spec.sourceContext,
        github: spec.github,
        operationContext: { ...operationContext, environmentVariables },
    }).stack;
});
