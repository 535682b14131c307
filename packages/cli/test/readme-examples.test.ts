// Every ```ts block of the READMEs (README.md and packages/*/README.md) type-checks against the real packages.
//
// Each block is written, unchanged, as its own module into a temporary folder under node_modules/.cache (inside the
// repository, so `@jpcard/*` and `effect` resolve exactly as they do for the workspace's own code: through the
// workspace links in node_modules and the "@jpcard/source" export condition). A tsconfig.json there extends the
// repository's tsconfig.json and lists only those modules; TypeScript 7's API (the compiler has no JavaScript
// `createProgram`: `typescript/unstable/sync` drives the native compiler) builds one program over all of them, and each
// README's test reports its blocks' diagnostics as `README:line:column: error TSxxxx: message`.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { API, type Diagnostic, DiagnosticCategory } from "typescript/unstable/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../../", import.meta.url))

interface Block {
  /** The README, relative to the repository root. */
  readonly readme: string
  /** The README line of the block's first line of code. */
  readonly line: number
  readonly code: string
}

/** The ```ts (or ```typescript) blocks of a Markdown text, with the line their code starts on (1-based). */
const tsBlocks = (readme: string, markdown: string): Array<Block> => {
  const blocks: Array<Block> = []
  const lines = markdown.split("\n")
  let open: { line: number; code: Array<string> } | undefined
  lines.forEach((text, index) => {
    if (open === undefined) {
      if (/^```(ts|typescript)\s*$/.test(text)) open = { line: index + 2, code: [] }
    } else if (/^```\s*$/.test(text)) {
      blocks.push({ readme, line: open.line, code: `${open.code.join("\n")}\n` })
      open = undefined
    } else {
      open.code.push(text)
    }
  })
  if (open !== undefined) throw new Error(`${readme}:${open.line - 1}: a code block is not closed`)
  return blocks
}

const readmes = [
  "README.md",
  ...readdirSync(join(root, "packages"))
    .sort()
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => existsSync(join(root, path)))
]
const blocks = readmes.flatMap((readme) => tsBlocks(readme, readFileSync(join(root, readme), "utf8")))

/** Line and column (both 0-based) of a character offset into a text. */
const positionOf = (text: string, offset: number) => {
  const before = text.slice(0, offset).split("\n")
  return { line: before.length - 1, column: before.at(-1)!.length }
}

const flatten = (diagnostic: Diagnostic, indent = ""): string =>
  [`${indent}${diagnostic.text}`, ...(diagnostic.messageChain ?? []).map((d) => flatten(d, `${indent}  `))].join("\n")

describe("README code blocks type-check", () => {
  /** README → its diagnostics, formatted. */
  const found = new Map<string, Array<string>>()
  let dir: string | undefined
  let api: API | undefined

  beforeAll(() => {
    const cache = join(root, "node_modules", ".cache")
    mkdirSync(cache, { recursive: true })
    const tmp = mkdtempSync(join(cache, "readme-examples-"))
    dir = tmp
    const files = blocks.map((block, index) => ({
      block,
      file: join(tmp, `${String(index).padStart(2, "0")}-${block.readme.replace(/\W+/g, "-")}-${block.line}.ts`)
    }))
    for (const { block, file } of files) writeFileSync(file, block.code)
    const config = join(tmp, "tsconfig.json")
    writeFileSync(
      config,
      JSON.stringify({
        extends: relative(tmp, join(root, "tsconfig.json")),
        compilerOptions: { noEmit: true },
        files: files.map(({ file }) => relative(tmp, file)),
        include: []
      })
    )
    api = new API({ cwd: root })
    const snapshot = api.updateSnapshot({ openProject: config })
    const project = snapshot.getProject(config)
    if (project === undefined) throw new Error(`TypeScript did not load ${config}`)
    const { program } = project
    const global = [...program.getConfigFileParsingDiagnostics(), ...program.getProgramDiagnostics()]
    if (global.some((d) => d.category === DiagnosticCategory.Error))
      throw new Error(global.map((d) => flatten(d)).join("\n"))
    for (const { block, file } of files) {
      const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
      const lines = found.get(block.readme) ?? []
      for (const d of diagnostics.filter((d) => d.category === DiagnosticCategory.Error)) {
        const { line, column } = positionOf(block.code, d.pos)
        lines.push(`${block.readme}:${block.line + line}:${column + 1}: error TS${d.code}: ${flatten(d)}`)
      }
      found.set(block.readme, lines)
    }
  }, 60_000)

  afterAll(() => {
    api?.close()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it("finds the READMEs' TypeScript blocks", () => {
    expect(readmes).toContain("packages/core/README.md")
    expect(blocks.length).toBeGreaterThan(10)
  })

  for (const readme of new Set(blocks.map((b) => b.readme))) {
    it(readme, () => {
      expect(found.get(readme), `${readme}'s ts blocks do not type-check`).toEqual([])
    })
  }
})
