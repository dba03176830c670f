/**
 * A small IAM policy evaluator for the tests: identity-based policies with Allow/Deny statements,
 * Action and Resource wildcards (`*`, `?`), and the condition operators the program writes
 * (StringLike, StringEquals, Bool), following the IAM policy evaluation logic: an explicit Deny
 * wins, then an Allow whose every condition holds; a condition on a key the request does not
 * carry does not hold (no ...IfExists). Not a full IAM: no NotAction/NotResource, no principals.
 */
export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: string;
    Statement: Statement[];
}

export interface Request {
    action: string;
    resource: string;
    /** The condition keys this request carries (per action: the Service Authorization Reference). */
    context: Record<string, string>;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

function glob(pattern: string, value: string, caseInsensitive = false): boolean {
    const re = new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        caseInsensitive ? "i" : "",
    );
    return re.test(value);
}

function conditionHolds(op: string, key: string, values: string[], context: Record<string, string>): boolean {
    const actual = context[key];
    if (actual === undefined) return false;
    switch (op) {
        case "StringLike":
            return values.some((v) => glob(v, actual));
        case "StringEquals":
            return values.includes(actual);
        case "Bool":
            return values.includes(actual);
        default:
            throw new Error(`the test evaluator does not know condition operator ${op}`);
    }
}

/** Which statements match, and the decision. */
export function evaluate(doc: PolicyDocument, req: Request): { decision: "allow" | "deny" | "implicitDeny"; matched: string[] } {
    const matches = doc.Statement.filter(
        (s) =>
            list(s.Action).some((a) => glob(a, req.action, true)) &&
            list(s.Resource).some((r) => glob(r, req.resource)) &&
            Object.entries(s.Condition ?? {}).every(([op, kv]) =>
                Object.entries(kv).every(([k, v]) => conditionHolds(op, k, list(v), req.context)),
            ),
    );
    const matched = matches.map((s) => s.Sid ?? "(no Sid)");
    if (matches.some((s) => s.Effect === "Deny")) return { decision: "deny", matched };
    return { decision: matches.some((s) => s.Effect === "Allow") ? "allow" : "implicitDeny", matched };
}
