/**
 * Spark Connect facts the server's conf and manifests are built from. Each one is read from
 * Spark's own classes, not from docs; jobs/connect/tests/test_connect_facts.py finds every key,
 * class and constant here in the jars of each row of the version matrix and fails when one moves.
 *
 * Spark 4.0.4 (spark-connect_2.13-4.0.4.jar, as pyspark 4.0.4 ships it in jars/):
 * - the server is `org.apache.spark.sql.connect.service.SparkConnectServer`; spark-submit runs it
 *   without a primary resource (SparkSubmit.isConnectServer, like the Thrift server);
 * - authentication: `org.apache.spark.sql.connect.config.Connect$.getAuthenticateToken` returns
 *   the static SQL conf `spark.connect.authenticate.token` (CONNECT_AUTHENTICATE_TOKEN, internal,
 *   since 4.0.0) or else the environment variable `SPARK_CONNECT_AUTHENTICATE_TOKEN`
 *   (CONNECT_AUTHENTICATE_TOKEN_ENV); when it is set, `SparkConnectService$.startGRPCService`
 *   installs `PreSharedKeyAuthenticationInterceptor`, which compares the gRPC metadata
 *   `Authorization` with `"Bearer " + token` and closes every other call with UNAUTHENTICATED:
 *   "No authentication token provided" or "Invalid authentication token";
 * - no TLS on the server side (no such key in Connect$);
 * - the port: `spark.connect.grpc.binding.port` (default 15002), the address
 *   `spark.connect.grpc.binding.address` (since 4.0.0; default: every interface);
 * - idle sessions: `spark.connect.session.manager.defaultSessionTimeout` (default 60m; -1 keeps
 *   them for ever) removes a session that has had no RPC for that long, and its temporary views
 *   and cached data with it.
 *
 * The pyspark 4.0.4 client (pyspark/sql/connect/client/core.py, ChannelBuilder.toChannel) sends
 * the token as a bearer token only over a secure channel: with `token=` in the connection string
 * (or SPARK_CONNECT_AUTHENTICATE_TOKEN in its environment) it uses TLS, except for the host
 * spelled `localhost`, where it uses gRPC's local credentials over plain TCP. So a token-protected
 * server without TLS is reachable from pyspark at `sc://localhost:<port>/;token=...`, which is
 * what `kubectl port-forward` gives; a client inside the cluster needs TLS in front of the port.
 *
 * Spark 3.5.7 (spark-connect_2.12-3.5.7.jar from Maven Central; the 3.5 distribution does not
 * carry it): the same server class and port key, no bind address or idle-session keys, no
 * authentication at all (no PreSharedKeyAuthenticationInterceptor, no token key) and no TLS.
 */
import type { SparkRuntime } from "../../policy/s3a/versions";

export const CONNECT_SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer";

/** The environment variable the server (and the pyspark client) read the pre-shared token from. */
export const CONNECT_TOKEN_ENV = "SPARK_CONNECT_AUTHENTICATE_TOKEN";
/**
 * The conf key of the same token. The program never sets it: sparkConf lands in the event log,
 * the UI's environment page and `ps` (spark-submit --conf); the token goes into the server's
 * environment from a Kubernetes Secret instead. connectServerConf refuses a conf that holds it.
 */
export const CONNECT_TOKEN_CONF = "spark.connect.authenticate.token";

/** Spark's default Connect port (Connect$.CONNECT_GRPC_BINDING_PORT), also the operator's. */
export const CONNECT_PORT = 15002;
export const CONNECT_PORT_NAME = "grpc";

/** Keys this module sets (spark-connect and spark-core ConfigEntry names). */
export const CONNECT_KEYS = {
    bindingPort: "spark.connect.grpc.binding.port",
    bindingAddress: "spark.connect.grpc.binding.address",
    sessionTimeout: "spark.connect.session.manager.defaultSessionTimeout",
} as const;

/** Dynamic allocation and the executors' idle policy (spark-core, package org.apache.spark.internal.config). */
export const ALLOCATION_KEYS = {
    enabled: "spark.dynamicAllocation.enabled",
    minExecutors: "spark.dynamicAllocation.minExecutors",
    maxExecutors: "spark.dynamicAllocation.maxExecutors",
    initialExecutors: "spark.dynamicAllocation.initialExecutors",
    executorIdleTimeout: "spark.dynamicAllocation.executorIdleTimeout",
    cachedExecutorIdleTimeout: "spark.dynamicAllocation.cachedExecutorIdleTimeout",
    shuffleTrackingEnabled: "spark.dynamicAllocation.shuffleTracking.enabled",
    shuffleTrackingTimeout: "spark.dynamicAllocation.shuffleTracking.timeout",
    shuffleServiceEnabled: "spark.shuffle.service.enabled",
} as const;

/** What a Spark row offers a Connect server. */
export interface ConnectSupport {
    /** Whether the server checks a pre-shared token itself. */
    readonly token: boolean;
    /** Whether the Spark distribution (and so the stock image) carries the server's jar. */
    readonly inDistribution: boolean;
    /** The Maven coordinate of the server's jar (what a 3.5 image would need on its class path). */
    readonly artifact: string;
}

export function connectSupport(runtime: SparkRuntime): ConnectSupport {
    const major = Number(runtime.spark.split(".")[0]);
    return {
        token: major >= 4,
        inDistribution: major >= 4,
        artifact: `org.apache.spark:spark-connect_${runtime.scala}:${runtime.spark}`,
    };
}
