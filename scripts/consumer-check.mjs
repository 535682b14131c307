// Checks the packages as a user gets them: packs every publishable workspace package with `npm pack`, inspects the
// tarballs, installs them into a fresh project under os.tmpdir() (with effect and typescript, as a user would), compiles
// scripts/consumer-check/main.ts there with that project's tsc and runs it with node, and runs the installed `jpcard`
// command. The workspace's own tests resolve the packages' sources through the `@jpcard/source` export condition; this
// is the only check of dist/, the `exports` maps, `files`, the dependency sections and the published .d.ts files.
//
// Usage: node scripts/consumer-check.mjs [--keep]   (--keep leaves the temporary directory in place)
// Exits 1 with a list of every problem found. Run by scripts/test.sh after the type check.
import { execFile, execFileSync } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { builtinModules } from "node:module"
import { tmpdir } from "node:os"
import { join, posix } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { gunzipSync } from "node:zlib"
import { packages } from "./packages.mjs"

const run = promisify(execFile)
const root = fileURLToPath(new URL("..", import.meta.url))
const started = performance.now()
const keep = process.argv.includes("--keep")
const problems = []
const problem = (message) => problems.push(message)
const timings = []
const timed = async (label, f) => {
  const t = performance.now()
  try {
    return await f()
  } finally {
    timings.push(`${label} ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }
}
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"))
/** The first lines of a tool's output, indented, for a problem message. */
const excerpt = (...texts) => {
  const lines = texts.filter(Boolean).join("\n").trimEnd().split("\n")
  const shown = lines.slice(0, 12).map((line) => `    ${line}`)
  if (lines.length > 12) shown.push(`    … ${lines.length - 12} more lines`)
  return `\n${shown.join("\n")}`
}

// Packages that must run in browsers: no Node built-in anywhere in what they ship, except the paths listed here
// (the documented Node-only subpath `@jpcard/verify/node`).
const browserSafe = {
  "@jpcard/core": [],
  "@jpcard/codes": [],
  "@jpcard/sim": [],
  "@jpcard/verify": ["node/"],
  "@jpcard/transport-webnfc": []
}
// What a published tarball must not contain.
const forbiddenPaths = [
  [/(^|\/)(test|tests|__tests__|__mocks__)\//, "a test directory"],
  [/\.(test|spec)\.[cm]?[jt]sx?$/, "a test file"],
  [/^(bench|scripts|coverage)\//, "a development directory"],
  [/(^|\/)node_modules\//, "node_modules"],
  [
    /(^|\/)\.env(\.|$)|(^|\/)\.npmrc$|(^|\/)id_(rsa|dsa|ecdsa|ed25519)|\.(pem|key|p8|p12|pfx|jks|keystore)$/,
    "a secret"
  ],
  [/(^|\/)keys\//, "a keys directory"],
  [/\.(tgz|log|tsbuildinfo)$|(^|\/)test-results\.json$|(^|\/)\.DS_Store$/, "a build or run artifact"]
]
const secretContent = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bnpm_[A-Za-z0-9]{36}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{36}\b/,
  /\bAKIA[0-9A-Z]{16}\b/
]

// --- 1. build and pack ---------------------------------------------------------------------------------------

const rootPackage = readJson(join(root, "package.json"))
const versionOf = (name) => {
  const version = rootPackage.devDependencies?.[name]
  if (version === undefined) throw new Error(`consumer check: the root package.json has no devDependency ${name}`)
  return version
}
const workspace = packages.map((dir) => ({ dir, manifest: readJson(join(root, "packages", dir, "package.json")) }))
const publishable = workspace.filter((p) => p.manifest.private !== true)
const tmp = mkdtempSync(join(tmpdir(), "jpcard-consumer-"))
const tarballDir = join(tmp, "tarballs")
const consumerDir = join(tmp, "consumer")
mkdirSync(tarballDir)
mkdirSync(consumerDir)

/** Prints the problems found and exits 1, or says how long the check took. */
const report = (summary = "") => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  if (problems.length > 0) {
    console.error(`consumer check: ${problems.length} problem(s) (project kept in ${tmp}):`)
    for (const p of problems) console.error(`- ${p}`)
    console.error(`consumer check: failed after ${seconds} s (${timings.join(", ")})`)
    process.exit(1)
  }
  if (!keep) rmSync(tmp, { recursive: true, force: true })
  if (summary) console.log(summary)
  console.log(`consumer check: ok in ${seconds} s (${timings.join(", ")})${keep ? `; project kept in ${tmp}` : ""}`)
}
/** A step the rest depends on failed: report what was found so far. */
const fatal = (what, error) => {
  problem(`${what} failed:${excerpt(error.stderr, error.stdout, error.message)}`)
  report()
}

const npm = (args, cwd) =>
  run("npm", args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } })

await timed("build", () => {
  try {
    execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" })
  } catch (error) {
    fatal("the build (scripts/build.mjs)", error)
  }
})
const packed = await timed("npm pack", async () => {
  const workspaces = publishable.flatMap((p) => ["--workspace", `packages/${p.dir}`])
  const { stdout } = await npm(["pack", ...workspaces, "--pack-destination", tarballDir, "--json"], root).catch((e) =>
    fatal("npm pack", e)
  )
  return JSON.parse(stdout)
})

// What `npm publish` would change in each package.json on the way out (it fixes some fields and warns): a dry run,
// offline, running no scripts. Runs while the tarballs are inspected and installed.
const publishDryRun = npm(
  [
    "publish",
    "--dry-run",
    "--offline",
    "--ignore-scripts",
    ...publishable.flatMap((p) => ["--workspace", `packages/${p.dir}`])
  ],
  root
).then(
  ({ stderr }) => {
    const warnings = stderr
      .split("\n")
      .filter((line) => /^npm warn publish /.test(line) && !/requires you to be logged in/.test(line))
    if (warnings.length > 0) problem(`npm publish --dry-run corrects the packages:${excerpt(...warnings)}`)
  },
  (e) => problem(`npm publish --dry-run failed:${excerpt(e.stderr, e.stdout, e.message)}`)
)

// --- 2. the tarballs ---------------------------------------------------------------------------------------------

/** The regular files of a .tgz (ustar, with pax path headers), by path without the leading `package/`. */
const readTarball = (file) => {
  const data = gunzipSync(readFileSync(file))
  const files = new Map()
  let paxPath
  for (let offset = 0; offset + 512 <= data.length; ) {
    const header = data.subarray(offset, offset + 512)
    if (header.every((b) => b === 0)) break
    const field = (start, length) => header.toString("utf8", start, start + length).replace(/\0.*$/s, "")
    const size = Number.parseInt(field(124, 12).trim() || "0", 8)
    const type = field(156, 1)
    const prefix = field(345, 155)
    const body = data.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
    if (type === "x") {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))?.[1]
      continue
    }
    const path = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))
    paxPath = undefined
    if (type === "0" || type === "") files.set(path.replace(/^package\//, ""), Buffer.from(body))
  }
  return files
}

const isBuiltin = (specifier) => specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0])
const packageNameOf = (specifier) => specifier.split("/", specifier.startsWith("@") ? 2 : 1).join("/")

/** Module specifiers of a compiled .js or .d.ts file (static, side-effect, dynamic with a literal, require). */
const specifiersOf = (text) => {
  // Drop comment lines (JSDoc examples quote imports), keep everything else as emitted by tsc.
  const code = text
    .split("\n")
    .filter((line) => !/^\s*(\*|\/\*|\/\/)/.test(line))
    .join("\n")
  const found = new Set()
  for (const re of [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g
  ])
    for (const m of code.matchAll(re)) found.add(m[1])
  return [...found]
}

/** Every (subpath, condition, target) of an `exports` map. */
const exportTargets = (exports) => {
  const out = []
  const walk = (value, subpath, conditions) => {
    if (typeof value === "string") out.push({ subpath, condition: conditions.at(-1) ?? "default", target: value })
    else if (Array.isArray(value)) for (const v of value) walk(v, subpath, conditions)
    else if (value !== null && typeof value === "object")
      for (const [key, v] of Object.entries(value))
        key.startsWith(".") ? walk(v, key, conditions) : walk(v, subpath, [...conditions, key])
  }
  walk(typeof exports === "string" ? { ".": exports } : exports, ".", [])
  return out
}

const tarballs = new Map() // package name -> files
const versions = new Map(packed.map((p) => [p.name, p.version]))
for (const { name, filename } of packed) {
  const files = readTarball(join(tarballDir, filename))
  tarballs.set(name, files)
  const where = `${name} (${filename})`
  const manifest = JSON.parse(files.get("package.json").toString("utf8"))
  const has = (target) => files.has(posix.normalize(target).replace(/^\.\//, ""))

  // Entry points: every exports target, main/types, bin.
  if (manifest.exports === undefined) problem(`${where}: package.json has no "exports"`)
  const patternCaptures = new Map() // "subpath condition" -> Set of what `*` stands for
  for (const { subpath, condition, target } of exportTargets(manifest.exports ?? {})) {
    if (!target.startsWith("./")) problem(`${where}: exports["${subpath}"] ${condition} target ${target} is not "./…"`)
    else if (target.includes("*")) {
      const [before, after] = target.slice(2).split("*")
      const captures = new Set()
      for (const path of files.keys())
        if (path.startsWith(before) && path.endsWith(after) && path.length > before.length + after.length)
          captures.add(path.slice(before.length, path.length - after.length))
      patternCaptures.set(`${subpath}\0${condition}`, captures)
      if (captures.size === 0) problem(`${where}: exports["${subpath}"] ${condition} ${target} matches no file`)
    } else if (!has(target))
      problem(`${where}: exports["${subpath}"] ${condition} target ${target} is not in the tarball`)
  }
  for (const [key, jsFiles] of patternCaptures) {
    const [subpath, condition] = key.split("\0")
    if (condition !== "default") continue
    for (const [otherKey, others] of patternCaptures) {
      const [otherSubpath, otherCondition] = otherKey.split("\0")
      if (otherSubpath !== subpath || otherCondition === "default") continue
      const missing = [...jsFiles].filter((c) => !others.has(c))
      if (missing.length > 0)
        problem(`${where}: exports["${subpath}"] has no ${otherCondition} file for ${missing.slice(0, 5).join(", ")}`)
    }
  }
  for (const field of ["main", "types", "typings", "module", "browser"])
    if (typeof manifest[field] === "string" && !has(manifest[field]))
      problem(`${where}: "${field}": ${manifest[field]} is not in the tarball`)
  const bins = typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {})
  for (const [command, target] of Object.entries(bins)) {
    const file = files.get(posix.normalize(target))
    if (file === undefined) problem(`${where}: bin ${command} → ${target} is not in the tarball`)
    else if (!file.toString("utf8", 0, 2).startsWith("#!")) problem(`${where}: bin ${target} has no #! line`)
  }

  if (!files.has("README.md")) problem(`${where}: no README.md`)

  // Contents: no tests, secrets or artifacts; every compiled module has its types and its source.
  const shipsSources = [...files.keys()].some((p) => p.startsWith("src/"))
  for (const path of files.keys()) {
    for (const [re, what] of forbiddenPaths) if (re.test(path)) problem(`${where}: ships ${what}: ${path}`)
    if (/\.(js|mjs|cjs|ts|json|md|txt|map|pem|crt|yml|yaml)$/.test(path) || !path.includes(".")) {
      const text = files.get(path).toString("utf8")
      for (const re of secretContent) if (re.test(text)) problem(`${where}: ${path} contains what looks like a secret`)
    }
    const js = /^dist\/(.+)\.js$/.exec(path)
    if (js !== null) {
      if (!files.has(`dist/${js[1]}.d.ts`)) problem(`${where}: ${path} has no .d.ts beside it`)
      if (shipsSources && !files.has(`src/${js[1]}.ts`))
        problem(`${where}: ${path} has no source in src/ (a stale file in dist/? rebuild from a clean dist/)`)
    }
  }
  for (const path of files.keys()) {
    const ts = /^src\/(.+)(?<!\.d)\.ts$/.exec(path)
    if (ts !== null && !files.has(`dist/${ts[1]}.js`)) problem(`${where}: ${path} was not compiled into dist/`)
  }

  // Imports: declared in the right section; no Node built-ins in browser packages.
  const deps = { ...manifest.dependencies, ...manifest.optionalDependencies }
  const peers = manifest.peerDependencies ?? {}
  const optionalPeers = new Set(
    Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta?.optional === true)
      .map(([n]) => n)
  )
  for (const [dep, spec] of Object.entries({ ...deps, ...peers })) {
    if (/^(file|link|workspace|portal):/.test(spec)) problem(`${where}: dependency ${dep} is "${spec}"`)
    if (versions.has(dep) && spec !== versions.get(dep))
      problem(`${where}: depends on ${dep} "${spec}", but the packed ${dep} is ${versions.get(dep)}`)
  }
  const nodeAllowed = browserSafe[name]
  const importsOf = new Map()
  for (const [path, content] of files) {
    if (!/\.(js|mjs|cjs|d\.ts|d\.mts)$/.test(path) || path.startsWith("src/")) continue
    const specifiers = specifiersOf(content.toString("utf8"))
    importsOf.set(path, specifiers)
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) continue
      if (isBuiltin(specifier)) {
        if (nodeAllowed !== undefined && !nodeAllowed.some((prefix) => path.startsWith(prefix)))
          problem(`${where}: ${path} imports the Node built-in "${specifier}" (the package must run in browsers)`)
        continue
      }
      const dep = packageNameOf(specifier)
      if (dep !== name && !(dep in deps) && !(dep in peers))
        problem(`${where}: ${path} imports ${specifier}, which is not in dependencies or peerDependencies`)
    }
  }
  // What the fixed entry points load must not need an optional dependency or an optional peer.
  for (const { subpath, condition, target } of exportTargets(manifest.exports ?? {})) {
    if (target.includes("*") || condition === "@jpcard/source") continue
    const queue = [posix.normalize(target)]
    const seen = new Set(queue)
    while (queue.length > 0) {
      const path = queue.shift()
      for (const specifier of importsOf.get(path) ?? []) {
        if (specifier.startsWith(".")) {
          let next = posix.normalize(posix.join(posix.dirname(path), specifier))
          if (path.endsWith(".d.ts")) next = next.replace(/\.js$/, ".d.ts")
          if (files.has(next) && !seen.has(next)) {
            seen.add(next)
            queue.push(next)
          }
        } else if (!isBuiltin(specifier)) {
          const dep = packageNameOf(specifier)
          if (optionalPeers.has(dep) || (dep in (manifest.optionalDependencies ?? {}) && !(dep in peers)))
            problem(
              `${where}: exports["${subpath}"] (${condition}) loads ${specifier} (${path}), an optional dependency`
            )
        }
      }
    }
  }
}

// --- 3. a fresh consumer project -------------------------------------------------------------------------------

const typescriptVersion = versionOf("typescript")
const consumerDependencies = {
  ...Object.fromEntries(packed.map((p) => [p.name, `file:../tarballs/${p.filename}`])),
  effect: versionOf("effect"),
  typescript: typescriptVersion,
  // @types/ws (under @effect/platform-node, under @jpcard/cli) asks for any @types/node: pin the repository's, which
  // the npm cache holds.
  "@types/node": versionOf("@types/node")
}
// TypeScript 7's compiler is a native binary in an optional dependency per platform, which --omit=optional leaves out
// (the switch is there to keep the optional `smartcard` binding out): name this platform's one directly.
const tsPlatformPackage = `@typescript/typescript-${process.platform}-${process.arch}`
if (readJson(join(root, "node_modules/typescript/package.json")).optionalDependencies?.[tsPlatformPackage])
  consumerDependencies[tsPlatformPackage] = typescriptVersion
writeFileSync(
  join(consumerDir, "package.json"),
  `${JSON.stringify({ name: "jpcard-consumer", private: true, type: "module", dependencies: consumerDependencies }, null, 2)}\n`
)
await timed("npm install", () =>
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--omit=optional"], consumerDir).catch((e) =>
    fatal("npm install in the consumer project", e)
  )
)

// One copy of each jpcard package and of effect, every jpcard package from the tarballs, no native binding.
const lock = readJson(join(consumerDir, "package-lock.json"))
for (const [path, entry] of Object.entries(lock.packages)) {
  const name = path.replace(/^.*node_modules\//, "")
  if (name.startsWith("@jpcard/")) {
    if (path !== `node_modules/${name}`) problem(`consumer: a second copy of ${name} at ${path}`)
    if (!entry.resolved?.startsWith("file:")) problem(`consumer: ${name} came from ${entry.resolved}, not a tarball`)
  }
  if (name === "effect" && path !== "node_modules/effect") problem(`consumer: a second copy of effect at ${path}`)
}
if (existsSync(join(consumerDir, "node_modules/smartcard")))
  problem("consumer: the optional `smartcard` binding was installed despite --omit=optional")

// --- 4. compile and run ------------------------------------------------------------------------------------------

copyFileSync(join(root, "scripts/consumer-check/main.ts"), join(consumerDir, "main.ts"))
const compilerOptions = {
  target: "ES2022",
  // DOM: effect's own crypto .d.ts files name CryptoKey and JsonWebKey (see shared/reference/effect4.md §2).
  lib: ["ES2022", "DOM"],
  types: [], // no @types/node: the published types must not need Node's
  strict: true,
  skipLibCheck: false // the published .d.ts files must type-check on their own
}
writeFileSync(
  join(consumerDir, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: { ...compilerOptions, module: "NodeNext", moduleResolution: "NodeNext", outDir: "out" },
    files: ["main.ts"]
  })
)
// What a browser team's bundler setup resolves, with the stricter flags many projects turn on.
writeFileSync(
  join(consumerDir, "tsconfig.bundler.json"),
  JSON.stringify({
    compilerOptions: {
      ...compilerOptions,
      module: "preserve",
      moduleResolution: "bundler",
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      noEmit: true
    },
    files: ["main.ts"]
  })
)

// Every module the exports maps expose must load in Node from the installed packages (not only the ones main.ts
// uses). Left out: the command itself, and the pcscd supervisor, a program that VirtualPcsc starts in a child process.
const notModules = new Set(["@jpcard/cli/main", "@jpcard/transport-pcsc/testing/PcscdSupervisor"])
const exposed = []
for (const { name } of packed) {
  const manifest = JSON.parse(tarballs.get(name).get("package.json").toString("utf8"))
  for (const { subpath, condition, target } of exportTargets(manifest.exports ?? {})) {
    if (condition !== "default" || !/\.m?js$/.test(target)) continue
    if (!subpath.includes("*")) exposed.push(name + subpath.slice(1))
    else {
      const [before, after] = target.slice(2).split("*")
      for (const path of tarballs.get(name).keys())
        if (path.startsWith(before) && path.endsWith(after) && path.length > before.length + after.length)
          exposed.push(name + subpath.slice(1).replace("*", path.slice(before.length, path.length - after.length)))
    }
  }
}
const importAll = [...new Set(exposed)].filter((s) => !notModules.has(s)).sort()
writeFileSync(
  join(consumerDir, "import-all.mjs"),
  `const specifiers = ${JSON.stringify(importAll)}
let failures = 0
for (const specifier of specifiers) {
  try {
    await import(specifier)
  } catch (error) {
    failures++
    console.log(\`\${specifier}: \${String(error?.message ?? error).split("\\n")[0]}\`)
  }
}
process.exitCode = failures > 0 ? 1 : 0
`
)

const settle = (promise) =>
  promise.then(
    (r) => ({ code: 0, ...r }),
    (e) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr })
  )
// The command, when @jpcard/cli is published: run from the consumer's node_modules/.bin, as `npx jpcard` would.
const cliDir = join(tmp, "cli-run")
mkdirSync(cliDir)
const jpcard = packed.some((p) => p.name === "@jpcard/cli") ? join(consumerDir, "node_modules/.bin/jpcard") : undefined
const runJpcard = (args, options) =>
  jpcard === undefined
    ? Promise.resolve(undefined)
    : settle(run(jpcard, args, { cwd: cliDir, timeout: 60_000, ...options }))
// These need no compiled main.ts: they run while tsc works.
const importsRun = settle(run(process.execPath, ["import-all.mjs"], { cwd: consumerDir, timeout: 60_000 }))
const demoRun = runJpcard(["demo"], { maxBuffer: 64 * 1024 * 1024 })
const readersRun = runJpcard(["readers"])

const tsc = join(consumerDir, "node_modules/typescript/bin/tsc")
const compiled = await timed("tsc (NodeNext, bundler; the runs beside it)", () =>
  Promise.all(
    ["tsconfig.json", "tsconfig.bundler.json"].map((config) =>
      run(process.execPath, [tsc, "-p", config], { cwd: consumerDir }).then(
        () => true,
        (e) => {
          problem(`consumer: tsc -p ${config} failed:${excerpt(e.stdout, e.stderr)}`)
          return config !== "tsconfig.json"
        }
      )
    )
  )
)

const expected = [
  "effect.generation=1",
  "effect.filesRead=frontImage,faceImage,address,signature",
  "effect.address=東京都千代田区霞が関一丁目一番地 (consumer check)",
  "effect.faceImage=jpeg2000",
  "async.detect=1",
  "async.address=東京都千代田区霞が関一丁目一番地 (consumer check)",
  "async.wrongNumber=ResidenceAuthenticationError",
  "verify.webcrypto=verified authentic=true",
  "verify.anchorProfile=custom",
  "verify.node=verified provider=node:crypto",
  "verify.json=residence-gen1",
  "verify.forged=signature-invalid",
  "codes.sex=female",
  "codes.period=4 years 3 months",
  "codes.student=true",
  "codes.nationality=Pakistan inferred=true",
  "mynumber.pinStatus=kenhojo.pin:available:3",
  "core.sha256=32",
  "webnfc.support=ndef=false isoDep=false",
  "webnfc.transport=TransportError:NotInstalled",
  "webnfc.adapter=1",
  "pcsc.effect=TransportError:NotInstalled:true",
  "pcsc.session=TransportError:NotInstalled",
  "pcsc.async=TransportError:NotInstalled",
  "pcsc.vpcd=function true",
  "done=ok"
]

await timed("run (main.js; import-all.mjs, jpcard demo and readers after tsc)", async () => {
  const [main, imports, demo, readers] = await Promise.all([
    compiled[0]
      ? settle(run(process.execPath, ["out/main.js"], { cwd: consumerDir, timeout: 60_000 }))
      : Promise.resolve(undefined),
    importsRun,
    demoRun,
    readersRun
  ])
  if (main !== undefined) {
    const lines = main.stdout.trimEnd().split("\n")
    if (main.code !== 0) problem(`consumer: node out/main.js exited with ${main.code}:${excerpt(main.stderr)}`)
    for (let i = 0; i < Math.max(lines.length, expected.length); i++)
      if (lines[i] !== expected[i])
        problem(
          `consumer: main.js line ${i + 1}: expected ${expected[i] ?? "(nothing)"}, got ${lines[i] ?? "(nothing)"}`
        )
  }
  if (imports.code !== 0)
    problem(`consumer: modules of the exports maps that do not load:${excerpt(imports.stdout, imports.stderr)}`)
  // The installed command: reads the simulated cards, converts the images (JPEG 2000 through a wasm codec) to PNG.
  if (demo !== undefined && demo.code !== 0)
    problem(`consumer: jpcard demo exited with ${demo.code}:${excerpt(demo.stderr)}`)
  else if (demo !== undefined) {
    let cards
    try {
      cards = JSON.parse(demo.stdout)
    } catch {
      cards = undefined
    }
    if (!Array.isArray(cards) || !cards.some((c) => c.name === "residence-card-gen1" && c.card?.generation === 1))
      problem(`consumer: jpcard demo printed no first-generation residence card:${excerpt(demo.stdout)}`)
    const png = join(cliDir, "out/residence-card-gen1/faceImage.png")
    if (!existsSync(png)) problem(`consumer: jpcard demo wrote no ${png}`)
  }
  // Without the binding: exit code 4 (reader error) and what to install, never a crash.
  if (readers !== undefined && (readers.code !== 4 || !/not installed/.test(readers.stderr)))
    problem(
      `consumer: jpcard readers without smartcard: expected exit 4 and "not installed", got ${readers.code}:${excerpt(readers.stderr)}`
    )
})

await publishDryRun

// --- report --------------------------------------------------------------------------------------------------------

const names = packed.map((p) => `${p.name.replace("@jpcard/", "")} ${(p.size / 1024).toFixed(0)} kB`).join(", ")
report(`consumer check: packed ${names}; ${importAll.length} modules load from the installed packages`)
