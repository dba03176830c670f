/**
 * What the component package exports: exactly the components it hosts (cmd/run-plugin hosts every
 * ComponentResource class the entry exports, and infers each one's schema from its args
 * interface and its properties).
 */
export { SparkPlatform } from "../components/platform";
export { SparkJob } from "../components/job";
