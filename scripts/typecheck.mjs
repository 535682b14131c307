// Type-checks each package twice: its sources and tests together (tsconfig.json, against the other packages'
// sources), and its sources alone with only the globals the package may use (tsconfig.build.json, no emit). The
// second pass is what keeps Node built-ins out of the browser packages.
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { packages } from "./packages.mjs"

// TypeScript 7 exports no bin path; its launcher sits at a fixed place in the package.
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url))
let failed = false
for (const name of packages) {
  for (const [config, extra] of [
    [`packages/${name}/tsconfig.json`, []],
    [`packages/${name}/tsconfig.build.json`, ["--noEmit", "--customConditions", "@jpcard/source"]]
  ]) {
    if (!existsSync(config)) continue
    try {
      execFileSync(process.execPath, [tsc, "-p", config, ...extra], { stdio: "inherit" })
    } catch {
      failed = true
    }
  }
}
if (failed) process.exit(1)
console.log("typecheck: ok")
