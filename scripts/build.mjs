// Builds every package's dist/ in dependency order with its tsconfig.build.json.
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { packages } from "./packages.mjs"

// TypeScript 7 exports no bin path; its launcher sits at a fixed place in the package.
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url))
for (const name of packages) {
  const config = `packages/${name}/tsconfig.build.json`
  if (!existsSync(config)) continue
  try {
    execFileSync(process.execPath, [tsc, "-p", config], { stdio: "inherit" })
  } catch {
    console.error(`build: ${config} failed`)
    process.exit(1)
  }
}
