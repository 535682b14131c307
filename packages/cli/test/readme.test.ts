// The README's API examples, run as written (imports adjusted to the workspace), so that they stay true.

import { ResidenceCard } from "@jpcard/core"
import { readResidenceCard } from "@jpcard/core/Async"
import { ResidenceGen1, SimTransport } from "@jpcard/sim"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

describe("README examples", () => {
  it("the Effect example reads the address and the face image", async () => {
    const card = ResidenceGen1.make({ seed: "demo" })
    const program = ResidenceCard.read("AB12345678CD", { files: ["address", "faceImage"] }).pipe(
      Effect.catchTag("ResidenceAuthenticationError", (e) => Effect.die(e.message))
    )
    const result = await Effect.runPromise(program.pipe(Effect.provide(SimTransport.layer(card))))
    expect(result.generation === 1 && result.address?.address.text).toMatch(/東京都/)
    expect(result.filesRead).toEqual(["faceImage", "address"])
  })

  it("the async example reads the whole card and rejects with a typed error", async () => {
    const { transport } = SimTransport.make(ResidenceGen1.make())
    const card = await readResidenceCard(transport, "AB12345678CD")
    expect(card.filesRead.length).toBe(7)
    const error = await readResidenceCard(transport, "AB1234").catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "InvalidCardNumberError" })
  })
})
