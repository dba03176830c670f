// The component package's entry (package.json "main"): the TypeScript sources, transpiled on load.
// The schema comes from the sources themselves (the analyzer starts at index.ts, the main's .ts).
require("ts-node").register({ transpileOnly: true, project: require("path").join(__dirname, "tsconfig.json") });
module.exports = require("./index.ts");
