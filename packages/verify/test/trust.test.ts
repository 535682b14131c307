// Residence trust anchors: pinned fingerprints, profiles that never mix, custom anchors labelled as such, folders.
import { describe, expect, it } from "@effect/vitest"
import { Effect, FileSystem, Layer, Path } from "effect"
import { Residence, Trust, TrustFs } from "../src/index.js"
import { fromDirectory } from "../src/internal/directory.js"
import { checkAgainstPins } from "../src/internal/pinning.js"
import { at, Fixtures, gen1Input, gen2Input, sha256, toHex } from "./helpers.js"

const gen1Ca = Fixtures.residenceGen1TestCaCertDer
const gen2Ca = Fixtures.residenceGen2TestCaCertDer

/** Pins for the simulator's CAs, shaped like the embedded ISA list (tests only: the real files are not at hand). */
const testPins = async () => [
  {
    file: "sim_ca1.crt",
    generation: 1 as const,
    profile: "production" as const,
    validUntil: "2043-12-31",
    officialArchive: "-",
    sha256: toHex(await sha256(gen1Ca))
  },
  {
    file: "sim_ca2_test.crt",
    generation: 2 as const,
    profile: "official-test" as const,
    validUntil: "2043-12-31",
    officialArchive: "-",
    sha256: toHex(await sha256(gen2Ca))
  }
]

/** A production store holding `anchor` alone. */
const productionTrust = (anchor: Trust.CertificateAnchor): Trust.ResidenceTrust => ({
  _tag: "ResidenceTrust",
  profile: "production",
  anchors: [anchor],
  skipped: []
})

describe("pinned ISA fingerprints", () => {
  it("the embedded list is shared/trust/isa-residence-card-ca.json: 5 production, 1 official test", () => {
    const pins = Trust.pinnedResidenceAnchors
    expect(pins.length).toBe(6)
    expect(pins.filter((p) => p.profile === "production").length).toBe(5)
    expect(pins.filter((p) => p.generation === 2).map((p) => p.file)).toEqual([
      "zairyucard_ca2_20260420_20390720.crt",
      "zairyucard_ca2_test_20260319_20390619.crt"
    ])
    expect(pins.find((p) => p.file === "zairyucard_ca2_20260420_20390720.crt")?.sha256).toBe(
      "11e6ad8b8e64f0cdb1d8ba9e3689926c80e8479a2f098616f674a23582bec13b"
    )
    for (const p of pins) expect(p.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it.effect("a file whose fingerprint does not match is refused with a typed error", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Trust.residenceTrust([{ name: "fake.crt", bytes: gen1Ca }]))
      expect(error._tag).toBe("AnchorError")
      expect(error.reason).toBe("FingerprintMismatch")
      expect(error.file).toBe("fake.crt")
      const tampered = gen2Ca.slice()
      tampered[100] = tampered[100]! ^ 1
      expect((yield* Effect.flip(Trust.residenceTrust([{ name: "t.crt", bytes: tampered }]))).reason).toBe(
        "FingerprintMismatch"
      )
      expect((yield* Effect.flip(Trust.residenceTrust([]))).reason).toBe("NoAnchors")
      const pem = new TextEncoder().encode("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
      expect((yield* Effect.flip(Trust.residenceTrust([{ name: "empty.pem", bytes: pem }]))).reason).toBe(
        "FingerprintMismatch"
      )
    })
  )

  it.effect("a matching file is trusted, named in reports, and labelled pinned-fingerprint", () =>
    Effect.gen(function* () {
      const pins = yield* Effect.promise(testPins)
      const anchor = yield* checkAgainstPins({ name: "sim_ca1.crt", bytes: gen1Ca }, "production", pins)
      expect(anchor.ref).toMatchObject({ name: "sim_ca1.crt", profile: "production", source: "pinned-fingerprint" })
      const report = yield* Residence.verifyGen1(gen1Input(), productionTrust(anchor), { at })
      expect(report.verdict).toBe("verified")
      expect(report.anchor?.name).toBe("sim_ca1.crt")
      expect(report.summary).toContain("anchor=sim_ca1.crt (production)")
      // A PEM copy of the same file has the same DER fingerprint.
      const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(gen1Ca).toString("base64")}\n-----END CERTIFICATE-----\n`
      const fromPem = yield* checkAgainstPins(
        { name: "ca.pem", bytes: new TextEncoder().encode(pem) },
        "production",
        pins
      )
      expect(fromPem.ref.sha256).toBe(anchor.ref.sha256)
    })
  )

  it.effect("production and official-test never mix: the other profile's file is a ProfileMismatch", () =>
    Effect.gen(function* () {
      const pins = yield* Effect.promise(testPins)
      const a = yield* Effect.flip(checkAgainstPins({ name: "sim_ca2_test.crt", bytes: gen2Ca }, "production", pins))
      expect(a.reason).toBe("ProfileMismatch")
      const b = yield* Effect.flip(checkAgainstPins({ name: "sim_ca1.crt", bytes: gen1Ca }, "official-test", pins))
      expect(b.reason).toBe("ProfileMismatch")
      const ok = yield* checkAgainstPins({ name: "sim_ca2_test.crt", bytes: gen2Ca }, "official-test", pins)
      expect(ok.ref.profile).toBe("official-test")
      expect(ok.generations).toEqual([2])
    })
  )

  it.effect("a generation-1 anchor does not vouch for a generation-2 card", () =>
    Effect.gen(function* () {
      const pins = yield* Effect.promise(testPins)
      const anchor = yield* checkAgainstPins({ name: "sim_ca1.crt", bytes: gen1Ca }, "production", pins)
      // The simulator's CA2 file pinned as generation 1: the gen-2 card finds no anchor.
      const wrongGen = { ...anchor, certificate: (yield* Trust.customAnchors([gen2Ca]))[0]!.certificate }
      const report = yield* Residence.verifyGen2(gen2Input(), productionTrust(wrongGen), { at })
      expect(report.verdict).toBe("unknown-issuer")
    })
  )
})

describe("custom anchors", () => {
  it.effect("are labelled custom in every report, and refuse what is not a certificate", () =>
    Effect.gen(function* () {
      const trust = yield* Trust.customResidenceTrust([gen1Ca, gen2Ca], { label: "jpcard sim" })
      expect(trust.profile).toBe("custom")
      const report = yield* Residence.verifyGen2(gen2Input(), trust, { at })
      expect(report.anchor).toMatchObject({ profile: "custom", source: "custom" })
      expect(report.anchor?.name).toContain("jpcard sim")
      expect(report.summary).toContain("(custom)")
      const error = yield* Effect.flip(Trust.customResidenceTrust([Uint8Array.of(1, 2, 3)]))
      expect(error.reason).toBe("Unreadable")
      expect((yield* Effect.flip(Trust.customResidenceTrust([]))).reason).toBe("NoAnchors")
    })
  )
})

describe("a folder of CA files (FileSystem service)", () => {
  const folder = (files: Record<string, Uint8Array>) =>
    Layer.mergeAll(
      FileSystem.layerNoop({
        readDirectory: () => Effect.succeed(Object.keys(files)),
        readFile: (path) => Effect.succeed(files[path.split("/").pop()!]!)
      }),
      Path.layer
    )

  it.effect("every certificate file must match a pinned fingerprint", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        TrustFs.residenceTrustFromDirectory("/ca").pipe(
          Effect.provide(folder({ "README.txt": new Uint8Array(0), "unknown.crt": gen1Ca }))
        )
      )
      expect(error._tag).toBe("AnchorError")
      if (error._tag === "AnchorError") expect(error.reason).toBe("FingerprintMismatch")
    })
  )

  it.effect("a folder with no certificate file is NoAnchors", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        TrustFs.residenceTrustFromDirectory("/ca").pipe(Effect.provide(folder({ "notes.txt": new Uint8Array(1) })))
      )
      expect(error._tag === "AnchorError" && error.reason).toBe("NoAnchors")
    })
  )

  it.effect("matching files are trusted; the other profile's file is skipped, never mixed in", () =>
    Effect.gen(function* () {
      const pins = yield* Effect.promise(testPins)
      const layer = folder({ "sim_ca1.crt": gen1Ca, "sim_ca2_test.crt": gen2Ca, "index.html": new Uint8Array(3) })
      const production = yield* fromDirectory("/ca", "production", pins).pipe(Effect.provide(layer))
      expect(production.anchors.map((a) => a.ref.name)).toEqual(["sim_ca1.crt"])
      expect(production.skipped.map((s) => s.file)).toEqual(["sim_ca2_test.crt"])
      const test = yield* fromDirectory("/ca", "official-test", pins).pipe(Effect.provide(layer))
      expect(test.anchors.map((a) => a.ref.name)).toEqual(["sim_ca2_test.crt"])
      expect(test.anchors[0]!.ref.profile).toBe("official-test")
      // The gen-2 card verifies under the official-test store, not under the production one.
      expect((yield* Residence.verifyGen2(gen2Input(), test, { at })).verdict).toBe("verified")
      expect((yield* Residence.verifyGen2(gen2Input(), production, { at })).verdict).toBe("unknown-issuer")
    })
  )
})
