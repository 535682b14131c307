// Saved reads from untrusted input (a phone's JSON on a server): `Saved.decode` takes any value, or any text, and
// answers a read or a typed `VerifyInputError`, never a defect; exactly the reads that are well formed decode, to
// exactly their bytes; `Saved.verify` of what decoded is a report (the same as verifying the files directly), never
// `verified` for files that are not the card's; and no error or report repeats a secret put anywhere in the input.
import { describe, expect, it } from "@effect/vitest"
import * as SimGen1 from "@jpcard/sim/residence/Gen1Card"
import * as SimGen2 from "@jpcard/sim/residence/Gen2Card"
import { Effect } from "effect"
import fc from "fast-check"
import { MyNumber, Residence, Saved } from "../src/index.js"
import { at, Fixtures } from "./helpers.js"
import * as M from "./mynumber-material.js"
import {
  expectConsistent,
  expectErrorPrivate,
  expectNoSecrets,
  expectReportPrivate,
  outcome,
  runs,
  secrets
} from "./robustness-helpers.js"
import { cvcTrust, residenceTrust } from "./robustness-targets.js"

type Kind = Saved.SavedKind
const kinds: ReadonlyArray<Kind> = ["residence-gen1", "residence-gen2", "mynumber-kenhojo", "mynumber-kenkaku"]
const sim1 = SimGen1.make()
const sim2 = SimGen2.make()

/** Each kind's file names (required first) and the card's own files. */
const material: Record<Kind, { readonly required: ReadonlyArray<string>; readonly files: Record<string, Uint8Array> }> =
  {
    "residence-gen1": {
      required: ["frontImage", "faceImage", "signature"],
      files: { frontImage: sim1.files.df1.ef01, faceImage: sim1.files.df1.ef02, signature: sim1.files.df3.ef01 }
    },
    "residence-gen2": {
      required: ["printedEntries", "nameAndFace", "signature"],
      files: { printedEntries: sim2.files.df1.ef02, nameAndFace: sim2.files.df1.ef03, signature: sim2.files.df3.ef01 }
    },
    "mynumber-kenhojo": { required: ["ef0003", "ef0004"], files: { ...M.kenhojoFiles } },
    "mynumber-kenkaku": { required: ["ef0004"], files: { ...M.kenkakuFiles } }
  }
const namesOf = (kind: Kind) => Object.keys(material[kind].files)
const trusts = { residence: residenceTrust, cvc: cvcTrust }

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64")
const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex")

/** A secret from the helpers' list, as text that could sit anywhere in a saved read. */
const secretText = fc.constantFrom(...secrets.flatMap((s) => s.needles))

// ---------------------------------------------------------------------------------------------------------------
// A saved read, well formed or broken in one or more known ways, with the outcome it must have

type FileChoice =
  | { readonly kind: "card" } // the card's own bytes, encoded
  | { readonly kind: "bytes"; readonly bytes: Uint8Array } // other bytes, encoded
  | { readonly kind: "absent" }
  | { readonly kind: "null" }
  | { readonly kind: "wrongType"; readonly value: unknown }
  | { readonly kind: "notEncoded"; readonly text: string }

const fileChoice: fc.Arbitrary<FileChoice> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: "card" as const }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: "bytes" as const, bytes })) },
  { weight: 1, arbitrary: fc.constant({ kind: "absent" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "null" as const }) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.integer(), fc.boolean(), fc.array(fc.nat(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.nat()))
      .map((value) => ({ kind: "wrongType" as const, value }))
  },
  {
    weight: 1,
    // Text neither base64 nor hex: a character outside both alphabets somewhere (a secret around it).
    arbitrary: fc
      .tuple(fc.string({ maxLength: 20 }), fc.constantFrom("!", "*", "@", "~", "é", "%"), secretText)
      .map(([a, bad, secret]) => ({ kind: "notEncoded" as const, text: `${a}${bad}${secret}` }))
  }
)

const kindValue = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<unknown>(...kinds) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      "toString",
      "__proto__",
      "constructor",
      "hasOwnProperty",
      "valueOf",
      "passport",
      "",
      "RESIDENCE-GEN1"
    )
  },
  { weight: 1, arbitrary: fc.oneof(secretText, fc.anything(), fc.constant(undefined)) }
)
const encodingValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(undefined, "base64", "hex") },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom<unknown>("base64url", "HEX", null, 64), secretText, fc.jsonValue()) }
)

interface Case {
  readonly value: Record<string, unknown>
  readonly asText: boolean
  readonly expect: Kind | undefined
  /** The expected failure (`reason`, and the file its detail names), or the files the read must hold. */
  readonly outcome:
    | { readonly _tag: "Failure"; readonly reason: "WrongCardType" | "MissingFile"; readonly file?: string }
    | { readonly _tag: "Success"; readonly kind: Kind; readonly files: Record<string, Uint8Array> }
  /**
   * `card`: every file is the card's own (the read verifies); `changed`: a file of the kind is other bytes (it does
   * not); `foreign`: the files are another kind's (a CVC may still verify alone: no prediction).
   */
  readonly files: "card" | "changed" | "foreign"
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    kind: kindValue,
    encoding: encodingValue,
    filesShape: fc.oneof(
      { weight: 8, arbitrary: fc.constant("object" as const) },
      { weight: 1, arbitrary: fc.constantFrom("null" as const, "array" as const, "string" as const, "absent" as const) }
    ),
    /** Files are built for this kind (another kind's names are missing files for `kind`). */
    filesFor: fc.option(fc.constantFrom(...kinds), { nil: undefined }),
    choices: fc.dictionary(fc.constantFrom(...kinds.flatMap(namesOf)), fileChoice),
    extra: fc.dictionary(
      fc.string().filter((k) => !["kind", "encoding", "files", "__proto__"].includes(k)),
      fc.oneof(secretText, fc.jsonValue())
    ),
    asText: fc.boolean(),
    expect: fc.option(fc.constantFrom(...kinds), { nil: undefined })
  })
  .map(({ kind, encoding, filesShape, filesFor, choices, extra, asText, expect }) => {
    const known = typeof kind === "string" && (kinds as ReadonlyArray<string>).includes(kind)
    const fileKind = filesFor ?? (known ? (kind as Kind) : "mynumber-kenhojo")
    const encode = encoding === "hex" ? hexOf : b64
    const files: Record<string, unknown> = {}
    const decoded: Record<string, Uint8Array> = {}
    let firstProblem: string | undefined
    let cardFiles = true
    const validEncoding = encoding === undefined || encoding === "base64" || encoding === "hex"
    for (const name of namesOf(fileKind)) {
      const choice = choices[name] ?? { kind: "card" }
      const card = material[fileKind].files[name]!
      switch (choice.kind) {
        case "card":
          files[name] = encode(card)
          decoded[name] = card
          break
        case "bytes":
          files[name] = encode(choice.bytes)
          decoded[name] = choice.bytes
          cardFiles &&= Buffer.from(choice.bytes).equals(Buffer.from(card))
          break
        case "absent":
          break
        case "null":
          files[name] = null
          break
        case "wrongType":
          files[name] = choice.value
          break
        case "notEncoded":
          files[name] = choice.text
          break
      }
    }
    const value: Record<string, unknown> = { ...extra, kind }
    if (encoding !== undefined) value.encoding = encoding
    if (filesShape === "object") value.files = files
    else if (filesShape === "array") value.files = [files]
    else if (filesShape === "string") value.files = JSON.stringify(files)
    else if (filesShape === "null") value.files = null
    if (kind === undefined) delete value.kind
    // What `decode` must answer, in its order: kind, expected kind, encoding, files, each file in the kind's order.
    let outcome: Case["outcome"]
    if (!known) outcome = { _tag: "Failure", reason: "WrongCardType" }
    else if (expect !== undefined && expect !== kind) outcome = { _tag: "Failure", reason: "WrongCardType" }
    else if (!validEncoding) outcome = { _tag: "Failure", reason: "MissingFile" }
    else if (filesShape === "null" || filesShape === "string" || filesShape === "absent")
      outcome = { _tag: "Failure", reason: "MissingFile" }
    else {
      const k = kind as Kind
      const present: Record<string, Uint8Array> = {}
      const raw = filesShape === "array" ? {} : files
      // Required files first, as `decode` reads them.
      const order = [...material[k].required, ...namesOf(k).filter((n) => !material[k].required.includes(n))]
      for (const name of order) {
        const v = (raw as Record<string, unknown>)[name]
        if (v === undefined || v === null) {
          if (material[k].required.includes(name)) {
            firstProblem ??= name
            break
          }
          continue
        }
        if (typeof v !== "string" || decoded[name] === undefined) {
          firstProblem ??= name
          break
        }
        present[name] = decoded[name]!
      }
      outcome =
        firstProblem !== undefined
          ? { _tag: "Failure", reason: "MissingFile", file: firstProblem }
          : { _tag: "Success", kind: k, files: present }
    }
    return {
      value,
      asText,
      expect,
      outcome,
      files: fileKind !== kind ? ("foreign" as const) : cardFiles ? ("card" as const) : ("changed" as const)
    }
  })

describe("Saved.decode of untrusted input", () => {
  it("any value or text at all: a read or a VerifyInputError, never a defect, never a secret in the message", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything({
            withBigInt: true,
            withBoxedValues: true,
            withMap: true,
            withSet: true,
            withNullPrototype: true
          }),
          fc.jsonValue(),
          fc.json(),
          fc.string({ unit: "binary" }),
          fc.tuple(fc.json(), fc.nat()).map(([text, cut]) => text.slice(0, cut % (text.length + 1))),
          fc.record({ kind: kindValue, encoding: encodingValue, files: fc.anything() })
        ),
        fc.option(fc.constantFrom(...kinds), { nil: undefined }),
        async (value, expect_) => {
          const o = await outcome(
            () => Saved.decode(value, expect_ === undefined ? {} : { expect: expect_ }),
            ["VerifyInputError"]
          )
          if (o._tag === "Failure") {
            expect(["WrongCardType", "MissingFile"]).toContain((o.error as unknown as { reason: string }).reason)
            expect(o.error.message.length).toBeLessThan(200)
          } else {
            expect(kinds).toContain(o.value.kind)
            for (const bytes of Object.values(o.value.files)) expect(bytes).toBeInstanceOf(Uint8Array)
          }
        }
      ),
      { numRuns: runs(400) }
    )
  }, 60_000)

  it("saved reads broken in known ways: exactly the expected error, or exactly the files; verify agrees", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.boolean(), async (c, coveredDigests) => {
        const input = c.asText ? JSON.stringify(c.value) : c.value
        const o = await outcome(
          () => Saved.decode(input, c.expect === undefined ? {} : { expect: c.expect }),
          ["VerifyInputError"]
        )
        expect(o._tag, JSON.stringify(c.outcome)).toBe(c.outcome._tag)
        if (o._tag === "Failure") {
          expectErrorPrivate(o.error, "Saved.decode")
          expect(o.error.message.length).toBeLessThan(200)
          if (c.outcome._tag === "Failure") {
            expect((o.error as unknown as { reason: string }).reason).toBe(c.outcome.reason)
            if (c.outcome.file !== undefined) expect(o.error.message).toContain(`file ${c.outcome.file} `)
          }
          return
        }
        if (c.outcome._tag !== "Success") return
        expect(o.value.kind).toBe(c.outcome.kind)
        expect(Object.keys(o.value.files).sort()).toEqual(Object.keys(c.outcome.files).sort())
        for (const [name, bytes] of Object.entries(c.outcome.files))
          expect(Buffer.from((o.value.files as Record<string, Uint8Array>)[name]!)).toEqual(Buffer.from(bytes))
        // Verifying what decoded: a report, the same as verifying the files directly.
        const options = { at, coveredDigests }
        const v = await outcome(() => Saved.verify(o.value, trusts, options), ["VerifyInputError"])
        expect(v._tag).toBe("Success")
        if (v._tag !== "Success") return
        const r = v.value
        expectConsistent(r)
        expectReportPrivate(r, "Saved.verify")
        if (c.files === "card") expect(r.verdict, r.summary).toBe("verified")
        else if (c.files === "changed") expect(r.verdict, r.summary).not.toBe("verified")
        const files = c.outcome.files
        const direct = await Effect.runPromise(
          c.outcome.kind === "residence-gen1"
            ? Effect.flatMap(Residence.fromGen1Files(files), (i) => Residence.verifyGen1(i, residenceTrust, options))
            : c.outcome.kind === "residence-gen2"
              ? Effect.flatMap(Residence.fromGen2Files(files), (i) => Residence.verifyGen2(i, residenceTrust, options))
              : c.outcome.kind === "mynumber-kenhojo"
                ? MyNumber.verifyKenhojo(files as unknown as MyNumber.KenhojoFiles, cvcTrust, options)
                : MyNumber.verifyKenkaku(files as unknown as MyNumber.KenkakuFiles, cvcTrust, options)
        )
        expect(r).toEqual(direct)
      }),
      { numRuns: runs(300) }
    )
  }, 60_000)

  it("a read of another kind than the one asked for is WrongCardType, for every pair", async () => {
    for (const kind of kinds)
      for (const expected of kinds) {
        const files = Object.fromEntries(Object.entries(material[kind].files).map(([n, b]) => [n, b64(b)]))
        const o = await outcome(() => Saved.decode({ kind, files }, { expect: expected }), ["VerifyInputError"])
        if (kind === expected) expect(o._tag).toBe("Success")
        else {
          expect(o._tag).toBe("Failure")
          if (o._tag === "Failure") {
            expect((o.error as unknown as { reason: string }).reason).toBe("WrongCardType")
            expect(o.error.message).toBe(`WrongCardType: a ${kind} read, but ${expected} was asked for`)
          }
        }
      }
  })

  it("huge strings: not base64 or hex, or decoding to files of the wrong size, answer quickly and briefly", async () => {
    const huge = "A".repeat(3_000_001) // base64 of an invalid length
    const hugeHex = "0".repeat(2_000_001) // an odd number of hex digits
    const zeros = Buffer.alloc(2_000_000).toString("base64")
    const cases: ReadonlyArray<readonly [unknown, "MissingFile" | "ok"]> = [
      [{ kind: "residence-gen1", files: { frontImage: huge, faceImage: "AA==", signature: "AA==" } }, "MissingFile"],
      [{ kind: "mynumber-kenhojo", encoding: "hex", files: { ef0003: hugeHex, ef0004: "00" } }, "MissingFile"],
      [{ kind: "residence-gen1", files: { frontImage: zeros, faceImage: zeros, signature: zeros } }, "ok"],
      [{ kind: "mynumber-kenkaku", files: { ef0004: zeros, ef0001: zeros } }, "ok"],
      [
        JSON.stringify({
          kind: "residence-gen2",
          files: { printedEntries: zeros, nameAndFace: zeros, signature: zeros }
        }),
        "ok"
      ],
      [`{"kind":"mynumber-kenhojo","files":{"ef0003":"${huge}`, "MissingFile"] // truncated text
    ]
    for (const [value, expected] of cases) {
      const o = await outcome(() => Saved.decode(value), ["VerifyInputError"])
      if (expected === "ok") {
        expect(o._tag).toBe("Success")
        if (o._tag !== "Success") continue
        const r = await outcome(() => Saved.verify(o.value, trusts, { at }), ["VerifyInputError"])
        expect(r._tag).toBe("Success")
        if (r._tag === "Success") {
          expectConsistent(r.value)
          expect(r.value.verdict).not.toBe("verified")
          expect(r.value.summary.length).toBeLessThan(600)
        }
      } else {
        expect(o._tag).toBe("Failure")
        if (o._tag === "Failure") {
          expect((o.error as unknown as { reason: string }).reason).toBe(expected)
          expect(o.error.message.length).toBeLessThan(200)
        }
      }
    }
  })

  // Regressions: each was a defect (a TypeError inside the Effect) or echoed the input into the message.
  it("kind names inherited from Object.prototype are unknown kinds, not a defect", async () => {
    for (const kind of ["toString", "__proto__", "constructor", "hasOwnProperty", "valueOf", "isPrototypeOf"]) {
      for (const input of [{ kind, files: {} }, `{"kind":${JSON.stringify(kind)},"files":{}}`]) {
        const o = await outcome(() => Saved.decode(input), ["VerifyInputError"])
        expect(o._tag, kind).toBe("Failure")
        if (o._tag === "Failure") expect((o.error as unknown as { reason: string }).reason).toBe("WrongCardType")
      }
    }
  })

  it("a kind or encoding JSON.stringify cannot write (BigInt, a cycle) is a typed error, not a defect", async () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    const throwingJson = {
      toJSON: () => {
        throw new Error("no")
      }
    }
    for (const value of [1n, cycle, throwingJson, Symbol("kind"), () => 0]) {
      for (const input of [
        { kind: value, files: {} },
        { kind: "residence-gen1", encoding: value, files: {} }
      ]) {
        const o = await outcome(() => Saved.decode(input), ["VerifyInputError"])
        expect(o._tag).toBe("Failure")
      }
    }
  })

  it("what the input holds in a wrong kind or encoding is not repeated in the error", async () => {
    const myNumber = "123456789018"
    const image = b64(Fixtures.myNumberNamePng.subarray(0, 300))
    for (const value of [myNumber, { myNumber }, [myNumber], image, `residence ${myNumber}`, "x".repeat(100_000)]) {
      for (const input of [
        { kind: value, files: {} },
        { kind: "mynumber-kenhojo", encoding: value, files: {} }
      ]) {
        const o = await outcome(() => Saved.decode(input), ["VerifyInputError"])
        expect(o._tag).toBe("Failure")
        if (o._tag === "Failure") {
          expectErrorPrivate(o.error, "Saved.decode")
          expect(o.error.message).not.toContain(myNumber)
          expect(o.error.message).not.toContain(image.slice(20, 60))
          expect(o.error.message.length).toBeLessThan(200)
        }
      }
    }
    // A name-like value is still quoted, to help whoever wrote the file.
    const o = await outcome(() => Saved.decode({ kind: "passport", files: {} }), ["VerifyInputError"])
    expect(o._tag === "Failure" && o.error.message).toBe('WrongCardType: unknown kind "passport" of saved read')
  })
})

describe("Saved.verify of a read built by hand (not by decode)", () => {
  it("an unknown kind is WrongCardType, a read without files MissingFile: a failed Effect, never undefined or a defect", async () => {
    const reasonOf = async (read: unknown) => {
      const o = await outcome(
        () => Saved.verify(read as Saved.SavedRead, { cvc: cvcTrust }, { at }),
        ["VerifyInputError"]
      )
      expect(o._tag).toBe("Failure")
      return o._tag === "Failure" ? (o.error as unknown as { reason: string; message: string }) : undefined
    }
    for (const kind of ["passport", "toString", "__proto__", "", undefined, 7, null]) {
      const error = await reasonOf({ kind, files: {} })
      expect(error?.reason, String(kind)).toBe("WrongCardType")
      expect(error?.message).toContain("unknown kind")
    }
    expect((await reasonOf({ kind: "passport" }))?.reason).toBe("WrongCardType")
    for (const kind of ["residence-gen1", "residence-gen2", "mynumber-kenhojo", "mynumber-kenkaku"]) {
      for (const files of [undefined, null, "ef0003"]) {
        const error = await reasonOf({ kind, files })
        expect(error?.reason, `${kind} ${String(files)}`).toBe("MissingFile")
        expect(error?.message).toContain("no files")
      }
    }
    for (const read of [undefined, null, "mynumber-kenhojo", 3])
      expect((await reasonOf(read))?.reason).toBe("WrongCardType")
  })
})

describe("MyNumber.describeKeyId", () => {
  it("is total: text that is not hex is described as itself, valid key IDs as before", () => {
    for (const text of ["zz", "abc", "not a key id", "50 00 03 3", "５０", "\u0000"])
      expect(MyNumber.describeKeyId(text)).toBe(text)
    expect(MyNumber.describeKeyId(undefined as unknown as string)).toBe("(not a key ID)")
    const id = Buffer.concat([Buffer.from("5000033"), Buffer.from([8, 5]), Buffer.from("001"), Buffer.alloc(4)])
    expect(MyNumber.describeKeyId(id.toString("hex").toUpperCase())).toBe("5000033/001")
    expect(MyNumber.describeKeyId("00".repeat(16))).toBe("00".repeat(16))
    expect(MyNumber.describeKeyId("")).toBe("")
  })
})

describe("secrets anywhere in a saved read", () => {
  it("never reach an error message or a report", async () => {
    await fc.assert(
      fc.asyncProperty(
        secretText,
        fc.constantFrom("kind", "encoding", "extra", "fileName", "fileValue", "nested"),
        fc.constantFrom(...kinds),
        async (secret, where, kind) => {
          const files: Record<string, unknown> = Object.fromEntries(
            Object.entries(material[kind].files).map(([n, b]) => [n, b64(b)])
          )
          const value: Record<string, unknown> = { kind, files }
          if (where === "kind") value.kind = secret
          if (where === "encoding") value.encoding = secret
          if (where === "extra") value.note = secret
          if (where === "fileName") files[secret] = secret
          if (where === "fileValue") files[material[kind].required[0]!] = `${secret}!`
          if (where === "nested") value.encoding = { deep: [secret] }
          for (const input of [value, JSON.stringify(value)]) {
            const o = await outcome(() => Saved.decode(input), ["VerifyInputError"])
            if (o._tag === "Failure") {
              expectErrorPrivate(o.error, `Saved.decode (${where})`)
              continue
            }
            const r = await outcome(
              () => Saved.verify(o.value, trusts, { at, coveredDigests: true }),
              ["VerifyInputError"]
            )
            if (r._tag === "Success") {
              expectConsistent(r.value)
              expectReportPrivate(r.value, `Saved.verify (${where})`)
            } else expectNoSecrets(r.error.message, `Saved.verify (${where})`)
          }
        }
      ),
      { numRuns: runs(150) }
    )
  }, 60_000)
})
