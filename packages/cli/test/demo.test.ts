import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { run } from "../src/Cli.js"

describe("jpcard demo (the main job)", () => {
  const dir = mkdtempSync(join(tmpdir(), "jpcard-demo-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("reads every simulated card, prints JSON and writes native and PNG images", async () => {
    const lines: Array<string> = []
    const log = console.log
    const error = console.error
    console.log = (line: string) => void lines.push(line)
    console.error = () => {}
    try {
      await Effect.runPromise(run(["demo", "--out", dir]).pipe(Effect.provide(NodeServices.layer)))
    } finally {
      console.log = log
      console.error = error
    }
    const cards = JSON.parse(lines.join("\n")) as Array<{ name: string; card: { generation: number } }>
    expect(cards.map((c) => c.name)).toContain("residence-card-gen1")
    const files = readdirSync(join(dir, "residence-card-gen1")).sort()
    expect(files).toEqual(["faceImage.jp2", "faceImage.png", "frontImage.png", "frontImage.tif"])
  })
})
