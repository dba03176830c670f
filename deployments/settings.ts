/**
 * What Pulumi Deployments does for each spark-s3 stack, as plain data (tested without Pulumi
 * Cloud): where the source comes from, which changes trigger it, what runs before the Pulumi
 * operation, and which credentials it gets.
 */

export interface DeploymentsConfig {
    organization: string;
    repository: string;
    branch: string;
    project: string;
    stacks: string[];
    deployOnMerge: string[];
    awsRoleArn: string;
    awsRegion: string;
    eksClusterName: string;
    /** Present when the flashblade stack is configured (a Pulumi secret in the program). */
    hasFlashbladeToken: boolean;
    /** Present when the flashblade stack is configured: its cluster's kubeconfig (secret). */
    hasFlashbladeKubeconfig: boolean;
    /**
     * The Deployments agent pool (customer-managed agents) that runs the flashblade stack: hosted
     * agents cannot reach an on-prem API server or array.
     */
    flashbladeAgentPoolId: string;
}

/** Changes outside these paths do not trigger a deployment of the main program. */
export function pathsFor(stack: string): string[] {
    const file = stack === "pr" ? "Pulumi.pr.yaml" : `Pulumi.${stack}.yaml`;
    return [
        "index.ts",
        "components/**",
        "policy/**",
        // DogLover and the teams' job folders (spark-s3:jobs codeDir): a changed file runs its job again.
        "jobs/**",
        "Pulumi.yaml",
        file,
        "package.json",
        "package-lock.json",
        "tsconfig.json",
    ];
}

/** Install the program and the policy pack; then what the stack needs to reach its cluster. */
export function preRunCommandsFor(stack: string, c: DeploymentsConfig): string[] {
    const cmds = ["npm ci --no-audit --no-fund", "npm ci --prefix policy --no-audit --no-fund"];
    if (stack === "dev" || stack === "pr") {
        cmds.push(`aws eks update-kubeconfig --name ${c.eksClusterName} --region ${c.awsRegion} --kubeconfig "$KUBECONFIG"`);
    }
    if (stack === "flashblade") {
        cmds.push(`printf '%s' "$FLASHBLADE_KUBECONFIG" > "$KUBECONFIG"`);
        // The token arrives as a secret environment variable and becomes secret stack config.
        cmds.push(`pulumi config set --secret spark-s3:flashbladeApiToken "$FLASHBLADE_API_TOKEN"`);
    }
    return cmds;
}

export interface SettingsSpec {
    organization: string;
    project: string;
    stack: string;
    /** Customer-managed agents (absent: Pulumi-hosted ones). */
    agentPoolId?: string;
    sourceContext: { git: { branch: string; repoDir: string } };
    github: { repository: string; previewPullRequests: boolean; deployCommits: boolean; pullRequestTemplate: boolean; paths: string[] };
    operationContext: {
        preRunCommands: string[];
        environmentVariables: Record<string, string>;
        /** Names of environment variables whose value is a secret the program fills in. */
        secretEnvironmentVariables: string[];
        oidc?: { aws: { roleARN: string; sessionName: string; duration: string } };
        options: { deleteAfterDestroy: boolean };
    };
}

/** The problems with a configuration, each naming the key to set. */
export function configProblems(c: DeploymentsConfig): string[] {
    const out: string[] = [];
    if (!c.organization) out.push("spark-s3-deployments:organization is required, e.g. acme");
    if (!/^[\w.-]+\/[\w.-]+$/.test(c.repository)) out.push(`spark-s3-deployments:repository must be owner/name, got "${c.repository}"`);
    for (const s of c.stacks)
        if (!["dev", "flashblade", "pr"].includes(s)) out.push(`spark-s3-deployments:stacks: unknown stack "${s}" (dev, flashblade, pr)`);
    for (const s of c.deployOnMerge)
        if (!c.stacks.includes(s)) out.push(`spark-s3-deployments:deployOnMerge names "${s}", which is not in stacks`);
    if (c.deployOnMerge.includes("pr")) out.push("spark-s3-deployments:deployOnMerge must not include pr: it is the review-stack template");
    const aws = c.stacks.filter((s) => s === "dev" || s === "pr");
    if (aws.length && !/^arn:aws:iam::\d{12}:role\/.+/.test(c.awsRoleArn)) {
        out.push(
            `spark-s3-deployments:awsRoleArn is required for ${aws.join(", ")}: the IAM role Deployments assumes by OIDC, e.g. arn:aws:iam::123456789012:role/pulumi-deployments`,
        );
    }
    if (aws.length && !c.eksClusterName) out.push(`spark-s3-deployments:eksClusterName is required for ${aws.join(", ")}`);
    if (c.stacks.includes("flashblade") && !c.hasFlashbladeToken) {
        out.push(
            "spark-s3-deployments:flashbladeApiToken is required for the flashblade stack: pulumi config set --secret flashbladeApiToken <token>",
        );
    }
    if (c.stacks.includes("flashblade") && !c.flashbladeAgentPoolId) {
        out.push(
            "spark-s3-deployments:flashbladeAgentPoolId is required for the flashblade stack: Pulumi-hosted agents cannot reach an on-prem API server or FlashBlade; run a customer-managed agent pool inside that network (Pulumi Cloud → Settings → Deployments → Agent pools) and set its id",
        );
    }
    if (c.stacks.includes("flashblade") && !c.hasFlashbladeKubeconfig) {
        out.push(
            'spark-s3-deployments:flashbladeKubeconfig is required for the flashblade stack: pulumi config set --secret flashbladeKubeconfig "$(cat kubeconfig)"',
        );
    }
    return out;
}

export function deploymentSettingsFor(stack: string, c: DeploymentsConfig): SettingsSpec {
    const isTemplate = stack === "pr";
    const usesAws = stack === "dev" || stack === "pr";
    return {
        organization: c.organization,
        project: c.project,
        stack,
        ...(stack === "flashblade" ? { agentPoolId: c.flashbladeAgentPoolId } : {}),
        sourceContext: { git: { branch: `refs/heads/${c.branch}`, repoDir: "." } },
        github: {
            repository: c.repository,
            // The template does not preview itself: every pull request gets its own review stack.
            previewPullRequests: !isTemplate,
            deployCommits: c.deployOnMerge.includes(stack),
            pullRequestTemplate: isTemplate,
            paths: pathsFor(stack),
        },
        operationContext: {
            preRunCommands: preRunCommandsFor(stack, c),
            environmentVariables: { KUBECONFIG: "/tmp/spark-s3-kubeconfig" },
            secretEnvironmentVariables: stack === "flashblade" ? ["FLASHBLADE_API_TOKEN", "FLASHBLADE_KUBECONFIG"] : [],
            ...(usesAws ? { oidc: { aws: { roleARN: c.awsRoleArn, sessionName: `spark-s3-${stack}`, duration: "1h0m0s" } } } : {}),
            // Review stacks are removed from Pulumi Cloud once the closed pull request is destroyed.
            options: { deleteAfterDestroy: isTemplate },
        },
    };
}
