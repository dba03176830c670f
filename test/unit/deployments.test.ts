/** deployments/: the Pulumi Deployments settings per stack, as data and as the program registers them. */
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { configProblems, deploymentSettingsFor, type DeploymentsConfig } from "../../deployments/settings";
import { ROOT } from "../helpers/paths";
import { holdsSecret, unwrapSecrets } from "../helpers/stack";

const cfg: DeploymentsConfig = {
    organization: "acme",
    repository: "acme/spark-s3",
    branch: "main",
    project: "spark-s3",
    stacks: ["dev", "flashblade", "pr"],
    deployOnMerge: ["dev"],
    awsRoleArn: "arn:aws:iam::123456789012:role/pulumi-deployments",
    awsRegion: "eu-west-1",
    eksClusterName: "spark-dev",
    hasFlashbladeToken: true,
    hasFlashbladeKubeconfig: true,
    flashbladeAgentPoolId: "pool-onprem-1",
};

describe("Deployments settings", () => {
    it("dev: previews pull requests, deploys on merge, AWS by OIDC, kubeconfig from EKS", () => {
        const s = deploymentSettingsFor("dev", cfg);
        assert.deepEqual([s.github.previewPullRequests, s.github.deployCommits, s.github.pullRequestTemplate], [true, true, false]);
        assert.equal(s.sourceContext.git.branch, "refs/heads/main");
        assert.equal(s.operationContext.oidc?.aws.roleARN, cfg.awsRoleArn);
        assert.deepEqual(s.operationContext.preRunCommands.slice(0, 2), [
            "npm ci --no-audit --no-fund",
            "npm ci --prefix policy --no-audit --no-fund",
        ]);
        assert.match(s.operationContext.preRunCommands[2], /^aws eks update-kubeconfig --name spark-dev --region eu-west-1/);
        assert.ok(s.github.paths.includes("Pulumi.dev.yaml") && s.github.paths.includes("policy/**"));
        assert.ok(!s.github.paths.includes("README.md"), "docs-only changes do not deploy");
    });

    it("pr: the review-stack template, never previewed or deployed itself, removed after destroy", () => {
        const s = deploymentSettingsFor("pr", cfg);
        assert.deepEqual(
            [
                s.github.previewPullRequests,
                s.github.deployCommits,
                s.github.pullRequestTemplate,
                s.operationContext.options.deleteAfterDestroy,
            ],
            [false, false, true, true],
        );
        assert.ok(s.github.paths.includes("Pulumi.pr.yaml"));
    });

    it("flashblade: previews only, token and kubeconfig as secret env, token turned into secret config", () => {
        const s = deploymentSettingsFor("flashblade", cfg);
        assert.equal(s.github.deployCommits, false);
        assert.equal(s.operationContext.oidc, undefined);
        assert.equal(s.agentPoolId, "pool-onprem-1", "customer-managed agents: hosted ones cannot reach the array");
        assert.equal(deploymentSettingsFor("dev", cfg).agentPoolId, undefined);
        assert.deepEqual(s.operationContext.secretEnvironmentVariables, ["FLASHBLADE_API_TOKEN", "FLASHBLADE_KUBECONFIG"]);
        assert.ok(
            s.operationContext.preRunCommands.includes('pulumi config set --secret spark-s3:flashbladeApiToken "$FLASHBLADE_API_TOKEN"'),
        );
    });

    it("names the key for each configuration mistake", () => {
        const problems = configProblems({
            ...cfg,
            organization: "",
            awsRoleArn: "",
            hasFlashbladeToken: false,
            flashbladeAgentPoolId: "",
            deployOnMerge: ["dev", "pr"],
            stacks: ["dev", "flashblade", "pr", "prod"],
        });
        const text = problems.join("\n");
        assert.match(text, /organization is required/);
        assert.match(text, /awsRoleArn is required for dev, pr/);
        assert.match(text, /flashbladeApiToken is required for the flashblade stack/);
        assert.match(text, /flashbladeAgentPoolId is required for the flashblade stack: Pulumi-hosted agents cannot reach/);
        assert.match(text, /deployOnMerge must not include pr/);
        assert.match(text, /unknown stack "prod"/);
        assert.deepEqual(configProblems(cfg), []);
    });

    it("the program registers one DeploymentSettings per stack with the secrets kept secret", async () => {
        const resources: { type: string; name: string; inputs: any; raw: any }[] = [];
        pulumi.runtime.setAllConfig(
            {
                "spark-s3-deployments:organization": "acme",
                "spark-s3-deployments:awsRoleArn": cfg.awsRoleArn,
                "spark-s3-deployments:eksClusterName": "spark-dev",
                "spark-s3-deployments:flashbladeApiToken": "T-deployments-token-0001",
                "spark-s3-deployments:flashbladeKubeconfig": "apiVersion: v1\nkind: Config\n",
                "spark-s3-deployments:flashbladeAgentPoolId": "pool-onprem-1",
            },
            ["spark-s3-deployments:flashbladeApiToken", "spark-s3-deployments:flashbladeKubeconfig"],
        );
        await pulumi.runtime.setMocks(
            {
                newResource(a) {
                    if (a.type !== "pulumiservice:index:DeploymentSettings") throw new Error(`unexpected ${a.type}`);
                    resources.push({ type: a.type, name: a.name, inputs: unwrapSecrets(a.inputs), raw: a.inputs });
                    return { id: a.name, state: a.inputs };
                },
                call(a) {
                    throw new Error(`unexpected call ${a.token}`);
                },
            },
            "spark-s3-deployments",
            "deployments",
            false,
        );
        const entry = require.resolve(path.join(ROOT, "deployments", "index.ts"));
        delete require.cache[entry];
        const mod = require(entry) as { settings: pulumi.Output<string>[] };
        await new Promise((r) => pulumi.all(mod.settings).apply(r));
        assert.deepEqual(resources.map((r) => r.inputs.stack).sort(), ["dev", "flashblade", "pr"]);
        const fb = resources.find((r) => r.inputs.stack === "flashblade")!;
        assert.equal(fb.inputs.operationContext.environmentVariables.FLASHBLADE_API_TOKEN, "T-deployments-token-0001");
        assert.equal(fb.inputs.agentPoolId, "pool-onprem-1");
        assert.ok(holdsSecret(fb.raw.operationContext), "the token is a secret input");
        for (const r of resources.filter((r) => r.inputs.stack !== "flashblade")) {
            assert.ok(!JSON.stringify(r.inputs).includes("T-deployments-token-0001"), `${r.inputs.stack} got the token`);
        }
    });
});
