// Builds every package's dist/ in dependency order with its tsconfig.build.json.
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { packages } from "./packages.mjs"

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
for (const name of packages) {
  const config = `packages/${name}/tsconfig.build.json`
  if (!existsSync(config)) continue
  execFileSync(process.execPath, [tsc, "-p", config], { stdio: "inherit" })
}
