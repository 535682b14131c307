// The fallback mode of the harness, without a network namespace: vpcd connects to 127.0.0.1 ("reversed" mode), the
// cards stay in for the whole run (Debian's vpcd 0.8 aborts pcscd when a reversed-mode card leaves), and each APDU
// costs ~44 ms (no quickack work-around). A full gen-1 read still goes through end to end.
import { assert, describe, it } from "@effect/vitest"
import { ResidenceCard } from "@jpcard/core"
import { toHex } from "@jpcard/core/Bytes"
import * as ResidenceGen1 from "@jpcard/sim/residence/Gen1Card"
import { Effect } from "effect"
import * as PcscTransport from "../../src/PcscTransport.js"
import { check, tinyCard, usePcscd } from "./support.js"

const status = await check("reversed.test.ts")
const card = ResidenceGen1.make({ seed: 11 })

describe.runIf(status.run)("PC/SC end to end, reversed mode (no network namespace)", { timeout: 60_000 }, () => {
  const pcscd = usePcscd({ mode: "reversed", reversedCards: [card, tinyCard()] })

  it.live("reads a gen-1 residence card: 15 APDUs", () =>
    Effect.gen(function* () {
      const harness = pcscd.get()
      assert.strictEqual(harness.mode, "reversed")
      const before = harness.link(0)?.session.commands() ?? 0
      const started = performance.now()
      const result = yield* ResidenceCard.read(ResidenceGen1.DEFAULT_CARD_NUMBER).pipe(
        Effect.provide(PcscTransport.layer({ reader: "Virtual PCD 00 00" }))
      )
      const ms = performance.now() - started
      const apdus = (harness.link(0)?.session.commands() ?? 0) - before
      console.info(`[transport-pcsc e2e] full gen-1 read, reversed mode: ${apdus} APDUs in ${ms.toFixed(1)} ms`)
      assert.strictEqual(apdus, 15)
      assert.strictEqual(result.generation, 1)
      if (result.generation === 1)
        assert.strictEqual(toHex(result.frontImage!.data), toHex(card.files.df1.ef01.subarray(4)))
    })
  )

  it("inserting or removing a card is refused with the reason", async () => {
    await assertRejects(pcscd.get().remove(0), /netns mode/)
    await assertRejects(pcscd.get().insert(1, tinyCard()), /aborts pcscd when a card leaves/)
  })
})

const assertRejects = async (promise: Promise<unknown>, pattern: RegExp) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  assert.instanceOf(error, Error)
  assert.match((error as Error).message, pattern)
}
