// Bundles the extension with esbuild: `node scripts/build.mjs` (dist/extension.js, with a
// source map), `--production` (what the .vsix ships), `--tests` (out/test/*.test.js, each
// test bundled with hand-written stubs in place of `vscode` and `vscode-languageclient/node`,
// to run with `node --test`).
import { readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const flags = new Set(process.argv.slice(2));
const common = {
  absWorkingDir: root,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node18", // the Node.js of VS Code 1.82 (Electron 25)
  logLevel: "warning",
};

if (flags.has("--tests")) {
  rmSync(join(root, "out"), { recursive: true, force: true });
  const tests = readdirSync(join(root, "test")).filter((name) => name.endsWith(".test.ts"));
  await esbuild.build({
    ...common,
    entryPoints: tests.map((name) => `test/${name}`),
    outdir: "out/test",
    sourcemap: "inline",
    alias: {
      vscode: "./test/stubs/vscode.ts",
      "vscode-languageclient/node": "./test/stubs/languageclient.ts",
    },
  });
  console.log(`bundled ${tests.length} test files into out/test/`);
} else {
  const production = flags.has("--production");
  rmSync(join(root, "dist"), { recursive: true, force: true });
  await esbuild.build({
    ...common,
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    external: ["vscode"],
    sourcemap: !production,
    minify: production,
    keepNames: production,
  });
  console.log(`bundled dist/extension.js${production ? " (production)" : ""}`);
}
