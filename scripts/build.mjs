// Builds every package's dist/ in dependency order with its tsconfig.build.json. dist/ is emptied first: a file left
// from a source since renamed or deleted would otherwise ship in the package.
import { execFileSync } from "node:child_process"
import { existsSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { packages } from "./packages.mjs"

// TypeScript 7 exports no bin path; its launcher sits at a fixed place in the package.
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url))
for (const name of packages) {
  const config = `packages/${name}/tsconfig.build.json`
  if (!existsSync(config)) continue
  rmSync(`packages/${name}/dist`, { recursive: true, force: true })
  try {
    execFileSync(process.execPath, [tsc, "-p", config], { stdio: "inherit" })
  } catch {
    console.error(`build: ${config} failed`)
    process.exit(1)
  }
}
