/**
 * Run the real program (index.ts) for a stack under strict Pulumi mocks, with config loaded the
 * way the CLI loads it: Pulumi.yaml's defaults, then Pulumi.<stack>.yaml.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ROOT } from "./paths";
import { stackConfig } from "../../tools/stack-files";

export { stackConfig };

export interface MockResource {
    type: string;
    name: string;
    /** Inputs with secrets unwrapped. */
    inputs: Record<string, any>;
    /** Inputs as the engine got them (secrets wrapped). */
    rawInputs: Record<string, any>;
    state: Record<string, any>;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Mock inputs carry secrets as {<sig>: <secret sig>, value}; give back the plain values. */
export function unwrapSecrets(v: any): any {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") {
        if (SECRET_SIG in v && "value" in v) return unwrapSecrets(v.value);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

/** Does this mock input hold a secret anywhere? */
export function holdsSecret(v: any): boolean {
    if (Array.isArray(v)) return v.some(holdsSecret);
    if (v && typeof v === "object") return SECRET_SIG in v || Object.values(v).some(holdsSecret);
    return false;
}

/** Deterministic fake values for the outputs providers compute. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "random:index/randomString:RandomString":
        case "random:index/randomPassword:RandomPassword":
            return { result: `fake-${name}-value-0123456789`.slice(0, inputs.length ?? 20) };
        case "aws:iam/accessKey:AccessKey":
            return { secret: `fake-secret-for-${name}` };
        case "aws:s3/bucket:Bucket":
            return { bucket: inputs.bucket ?? name, arn: `arn:aws:s3:::${inputs.bucket ?? name}` };
        case "aws:iam/role:Role":
            return { name: inputs.name ?? name, arn: `arn:aws:iam::123456789012:role/spark-s3/${name}` };
        case "aws:efs/fileSystem:FileSystem":
            return { arn: `arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-${name}` };
        case "aws:iam/user:User":
            return { name: inputs.name ?? name, arn: `arn:aws:iam::123456789012:user/${name}` };
        case "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication":
            // What the controller writes once it parsed the schedule (v2.5.2: ScheduleStateScheduled).
            return { metadata: inputs.metadata, status: inputs.spec?.suspend ? {} : { scheduleState: "Scheduled" } };
        case "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication":
            // What the operator reports once the app ended (pulumi.com/waitFor matched).
            return {
                metadata: inputs.metadata,
                status: { applicationState: { state: "COMPLETED" }, terminationTime: "2026-01-01T00:00:00Z" },
            };
        default:
            if (type.startsWith("kubernetes:")) {
                const metadata = { ...(inputs.metadata ?? {}) };
                if (!metadata.name) metadata.name = `${name}-abc123`;
                return { metadata };
            }
            return {};
    }
}

export interface ProgramRun {
    resources: MockResource[];
    outputs: Record<string, unknown>;
    byType(type: string): MockResource[];
    one(type: string, namePart?: string): MockResource;
}

/**
 * The SDK's mock monitor says it supports resource and error hooks but has no
 * registerResourceHook/registerErrorHook, so a hook's registration would never settle. Accept registrations (hooks never fire under mocks:
 * only the engine runs them; the e2e tests cover that).
 */
export function allowResourceHooks(): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, unknown> | undefined;
    for (const method of ["registerResourceHook", "registerErrorHook"]) {
        if (monitor && typeof monitor[method] !== "function") {
            monitor[method] = (_req: unknown, callback: (err: Error | null, res: unknown) => void) => callback(null, {});
        }
    }
}

const KNOWN_PREFIXES = ["kubernetes:", "aws:", "random:", "pulumi-nodejs:dynamic:", "spark-s3:"];

/** Run index.ts for `stack`; rejects with the program's error (for config problems). */
export async function runProgram(
    stack: string,
    overrides: Record<string, unknown> = {},
    secretKeys: string[] = [],
    opts: RunOptions & { configFile?: string } = {},
): Promise<ProgramRun> {
    // The preview-time read of the staging storage class needs a cluster: off unless a test asks.
    const config = stackConfig(stack, { "spark-s3:stagingStorageClassCheck": false, ...overrides }, opts.configFile);
    return runMocked(
        stack,
        config,
        secretKeys,
        () => {
            const entry = require.resolve(path.join(ROOT, "index.ts"));
            delete require.cache[entry];
            return require(entry) as Record<string, unknown>;
        },
        opts,
    );
}

export interface RunOptions {
    settleMs?: number;
    /** Run as a preview (dry run). */
    preview?: boolean;
    timeoutMs?: number;
}

/**
 * Run a program (a function that creates resources and returns its outputs) under the strict
 * mocks, with `config` as the stack's config (namespace:key -> value).
 */
export async function runMocked(
    stack: string,
    config: Record<string, string>,
    secretKeys: string[],
    program: () => Record<string, unknown>,
    opts: RunOptions = {},
): Promise<ProgramRun> {
    const resources: MockResource[] = [];
    pulumi.runtime.setAllConfig(config, secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                if (!KNOWN_PREFIXES.some((p) => args.type.startsWith(p))) {
                    throw new Error(`strict mocks: unexpected resource type ${args.type}`);
                }
                const inputs = unwrapSecrets(args.inputs);
                const state = { ...inputs, ...computedState(args.type, args.name, inputs) };
                resources.push({ type: args.type, name: args.name, inputs, rawInputs: args.inputs, state });
                // As the providers do: an access key's id is the key id, a bucket's id its name.
                const id =
                    args.type === "aws:iam/accessKey:AccessKey"
                        ? "TESTKEYID0000000001"
                        : args.type === "aws:s3/bucket:Bucket"
                          ? String(inputs.bucket ?? args.name)
                          : `${args.name}-id`;
                return { id, state };
            },
            call(args) {
                // The AWS reads the program makes (EKS Pod Identity/IRSA, EFS): a cluster with two
                // zones, each with a private and a public subnet.
                switch (args.token) {
                    case "aws:eks/getCluster:getCluster":
                        return {
                            name: args.inputs.name,
                            vpcConfig: {
                                vpcId: "vpc-0123",
                                subnetIds: ["subnet-a-private", "subnet-a-public", "subnet-b-private", "subnet-b-public"],
                                clusterSecurityGroupId: "sg-cluster",
                            },
                            identities: [{ oidcs: [{ issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789" }] }],
                        };
                    case "aws:ec2/getSubnet:getSubnet": {
                        const id = String(args.inputs.id);
                        return {
                            id,
                            availabilityZone: id.includes("-a-") ? "eu-west-1a" : "eu-west-1b",
                            mapPublicIpOnLaunch: id.endsWith("public"),
                        };
                    }
                    case "aws:index/getCallerIdentity:getCallerIdentity":
                        return { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/ci", userId: "AIDA" };
                }
                throw new Error(`strict mocks: unexpected call ${args.token}`);
            },
        },
        "spark-s3",
        stack,
        opts.preview ?? false,
    );
    allowResourceHooks();
    const mod = program();
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(mod)) outputs[k] = v;
    // Let registrations and applies settle; an error inside an apply would leave an output
    // unresolved, so give up with a clear message instead of hanging.
    const settled = Promise.all(
        Object.values(outputs)
            .filter((v) => pulumi.Output.isInstance(v))
            .map((v) => promiseOf(v as pulumi.Output<unknown>)),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(
            () =>
                reject(
                    new Error(
                        `stack ${stack}: outputs did not resolve within ${(opts.timeoutMs ?? 10_000) / 1000} s (an error inside an apply?)`,
                    ),
                ),
            opts.timeoutMs ?? 10_000,
        );
    });
    try {
        await Promise.race([settled, timeout]);
    } finally {
        clearTimeout(timer);
    }
    await new Promise((r) => setTimeout(r, opts.settleMs ?? 50));
    return {
        resources,
        outputs,
        byType: (type) => resources.filter((r) => r.type === type),
        one(type, namePart) {
            const found = resources.filter((r) => r.type === type && (!namePart || r.name.includes(namePart)));
            if (found.length !== 1) {
                throw new Error(
                    `expected one ${type}${namePart ? ` named *${namePart}*` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
                );
            }
            return found[0];
        },
    };
}

/** Resolve an Output's value (mocks: always known). */
export function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) =>
        o.apply((v) => {
            resolve(v);
            return v;
        }),
    );
}
