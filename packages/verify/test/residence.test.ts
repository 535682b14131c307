import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Residence, Trust } from "../src/index.js"
import { at, Fixtures, gen1Input, gen2Entries, gen2Face, gen2Input, gen2Name, hex, signGen2 } from "./helpers.js"

const testTrust = Trust.customResidenceTrust(
  [
    { name: "sim gen1 CA", bytes: Fixtures.residenceGen1TestCaCertDer },
    { name: "sim gen2 CA2", bytes: Fixtures.residenceGen2TestCaCertDer }
  ],
  { label: "jpcard sim" }
)

describe("residence gen 1", () => {
  it.effect("DigestInfo form verifies end to end against the simulator's test CA (custom anchor)", () =>
    Effect.gen(function* () {
      const trust = yield* testTrust
      const report = yield* Residence.verifyGen1(gen1Input("digestInfo"), trust, { at })
      expect(report.verdict).toBe("verified")
      expect(report.authentic).toBe(true)
      const code = report.checks.find((c) => c.object === "residence.gen1.checkCode")!
      expect(code.form).toBe("digestInfo")
      expect(code.covered?.length).toBe(10000)
      expect(report.anchor?.profile).toBe("custom")
      expect(report.anchor?.source).toBe("custom")
      expect(report.summary).toContain("verified")
    })
  )

  it.effect("bare-hash form (図3-4) verifies and is reported as such", () =>
    Effect.gen(function* () {
      const trust = yield* testTrust
      const report = yield* Residence.verifyGen1(gen1Input("bareHash"), trust, { at })
      expect(report.verdict).toBe("verified")
      expect(report.checks[0]!.form).toBe("bareHash")
    })
  )

  it.effect("portable backend gives the same results", () =>
    Effect.gen(function* () {
      const trust = yield* testTrust
      for (const form of ["digestInfo", "bareHash"] as const) {
        const report = yield* Residence.verifyGen1(gen1Input(form), trust, { at, backend: "portable" })
        expect(report.verdict).toBe("verified")
        expect(report.checks[0]!.form).toBe(form)
      }
    })
  )
})

describe("residence gen 2", () => {
  it.effect("raw r‖s verifies end to end", () =>
    Effect.gen(function* () {
      const trust = yield* testTrust
      const report = yield* Residence.verifyGen2(gen2Input("raw"), trust, { at })
      expect(report.verdict, report.summary).toBe("verified")
      expect(report.checks[0]!.form).toBe("raw")
      expect(report.checks[0]!.covered?.length).toBe(5553)
    })
  )
  it.effect("DER signature verifies", () =>
    Effect.gen(function* () {
      const trust = yield* testTrust
      const report = yield* Residence.verifyGen2(gen2Input("der"), trust, { at })
      expect(report.verdict, report.summary).toBe("verified")
      expect(report.checks[0]!.form).toBe("der")
    })
  )
  it.effect("portable backend (noble P-384)", () =>
    Effect.gen(function* () {
      const trust = yield* testTrust
      const report = yield* Residence.verifyGen2(gen2Input("raw"), trust, { at, backend: "portable" })
      expect(report.verdict, report.summary).toBe("verified")
    })
  )
  it.effect("a changed entry fails", () =>
    Effect.gen(function* () {
      const trust = yield* testTrust
      const input = gen2Input("raw")
      const entries = input.printedEntries.slice()
      entries[3] = entries[3]! ^ 1
      const report = yield* Residence.verifyGen2({ ...input, printedEntries: entries }, trust, { at })
      expect(report.verdict).toBe("signature-invalid")
      void signGen2
      void gen2Entries
      void gen2Face
      void gen2Name
      void hex
    })
  )
})
