/**
 * The Spark key's IAM policy, statement by statement, against every request S3A makes to write
 * through a committer and read its input: each must be allowed, and nothing outside the prefix.
 */
import { strict as assert } from "assert";
import { sparkBucketPolicy } from "../../components/object-store/aws";
import { evaluate, type PolicyDocument, type Request } from "../helpers/iam";

const BUCKET = "acme-spark-s3-dev-data";
const PREFIX = "doglover";
const arn = `arn:aws:s3:::${BUCKET}`;
const obj = (key: string) => `${arn}/${key}`;

/**
 * The S3 API calls of S3A (hadoop-aws S3AFileSystem, WriteOperationHelper, the committers'
 * CommitOperations and cleanup) and the IAM action each needs, with the condition keys the
 * request carries (Service Authorization Reference for Amazon S3: ListBucket carries s3:prefix;
 * ListBucketMultipartUploads, the object actions and GetBucketLocation carry none of the keys
 * this policy uses). Multipart create, upload part and complete are all s3:PutObject.
 */
const S3A_REQUESTS: [string, Request][] = [
    ["list the input prefix (LIST objects v2)", { action: "s3:ListBucket", resource: arn, context: { "s3:prefix": `${PREFIX}/input/` } }],
    ["probe the prefix itself (getFileStatus LIST)", { action: "s3:ListBucket", resource: arn, context: { "s3:prefix": PREFIX } }],
    ["HEAD an object", { action: "s3:GetObject", resource: obj(`${PREFIX}/input/tweets.jsonl`), context: {} }],
    ["HEAD the prefix marker before a write", { action: "s3:GetObject", resource: obj(PREFIX), context: {} }],
    ["GET an object", { action: "s3:GetObject", resource: obj(`${PREFIX}/input/tweets.jsonl`), context: {} }],
    [
        "PUT an object (_SUCCESS, small files)",
        { action: "s3:PutObject", resource: obj(`${PREFIX}/output/dog_tweets/_SUCCESS`), context: {} },
    ],
    [
        "DELETE an object (cleanup, overwrite)",
        { action: "s3:DeleteObject", resource: obj(`${PREFIX}/output/dog_tweets/part-0.parquet`), context: {} },
    ],
    ["create a multipart upload", { action: "s3:PutObject", resource: obj(`${PREFIX}/output/dog_tweets/part-0.parquet`), context: {} }],
    ["upload a part", { action: "s3:PutObject", resource: obj(`${PREFIX}/output/dog_tweets/part-0.parquet`), context: {} }],
    [
        "complete a multipart upload (job commit)",
        { action: "s3:PutObject", resource: obj(`${PREFIX}/output/dog_tweets/part-0.parquet`), context: {} },
    ],
    [
        "abort a multipart upload (job abort, cleanup)",
        { action: "s3:AbortMultipartUpload", resource: obj(`${PREFIX}/output/dog_tweets/part-0.parquet`), context: {} },
    ],
    [
        "list the parts of an upload",
        { action: "s3:ListMultipartUploadParts", resource: obj(`${PREFIX}/output/dog_tweets/part-0.parquet`), context: {} },
    ],
    // ListMultipartUploads: the request has a ?prefix= parameter, but no s3:prefix condition key.
    [
        "list pending uploads under the destination (committer cleanup)",
        { action: "s3:ListBucketMultipartUploads", resource: arn, context: {} },
    ],
    ["find the bucket's region", { action: "s3:GetBucketLocation", resource: arn, context: {} }],
];

describe("the Spark key's IAM policy (AWS)", () => {
    const doc = sparkBucketPolicy(BUCKET, PREFIX) as PolicyDocument;

    for (const [what, req] of S3A_REQUESTS) {
        it(`allows S3A to ${what}`, () => {
            const r = evaluate(doc, req);
            assert.equal(r.decision, "allow", `${req.action} on ${req.resource}: ${JSON.stringify(r)}`);
        });
    }

    it("lists pending uploads through its own statement, without the prefix condition it would never satisfy", () => {
        const list = doc.Statement.filter((s) => [s.Action].flat().includes("s3:ListBucketMultipartUploads"));
        assert.equal(list.length, 1);
        assert.equal(list[0].Condition, undefined);
        assert.deepEqual(evaluate(doc, S3A_REQUESTS.find(([w]) => w.startsWith("list pending"))![1]).matched, ["ListPendingUploads"]);
    });

    it("denies what lies outside the data prefix, and object writes on the bucket itself", () => {
        const outside: Request[] = [
            { action: "s3:ListBucket", resource: arn, context: { "s3:prefix": "review/pr-7/" } },
            { action: "s3:ListBucket", resource: arn, context: {} },
            { action: "s3:GetObject", resource: obj("review/pr-7/input/tweets.jsonl"), context: {} },
            { action: "s3:PutObject", resource: obj("dogloverx/evil"), context: {} },
            { action: "s3:DeleteObject", resource: obj("other/x"), context: {} },
            { action: "s3:DeleteBucket", resource: arn, context: {} },
            { action: "s3:PutBucketPolicy", resource: arn, context: {} },
        ];
        for (const req of outside) assert.equal(evaluate(doc, req).decision, "implicitDeny", JSON.stringify(req));
    });

    it("the evaluator fails the old policy that put ListBucketMultipartUploads under the s3:prefix condition", () => {
        const old: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads"],
                    Resource: [arn],
                    Condition: { StringLike: { "s3:prefix": [`${PREFIX}/*`, PREFIX] } },
                },
            ],
        };
        assert.equal(evaluate(old, { action: "s3:ListBucketMultipartUploads", resource: arn, context: {} }).decision, "implicitDeny");
    });
});
