#!/usr/bin/env node
// The pack's command line: `s3a-committer-policies check FILE|DIR...` (see cli/check.ts).
// A published package runs the compiled dist/cli/check.js (built by `npm pack`/`npm publish`);
// a checkout runs the TypeScript source through ts-node, a devDependency of the pack.
"use strict";
const fs = require("fs");
const path = require("path");

const compiled = path.join(__dirname, "..", "dist", "cli", "check.js");
let cli;
if (fs.existsSync(compiled)) {
    cli = require(compiled);
} else {
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
    cli = require("./check.ts");
}
process.exitCode = cli.main(process.argv.slice(2));
