// Shared pieces of the robustness property tests: byte mutations with an oracle of which ones may still verify, the
// invariants every report must keep, the secrets no report or error may contain, and a runner that tells a typed
// failure from a defect.
import { createPublicKey } from "node:crypto"
import { expect } from "@effect/vitest"
import { Cause, Effect, Exit, Option } from "effect"
import fc from "fast-check"
import { Report } from "../src/index.js"
import { Fixtures, privateKey } from "./helpers.js"
import * as M from "./mynumber-material.js"

/** `PROPERTY_RUNS` scales every property (as in the other property tests); `base` is the default number of runs. */
export const runs = (base: number): number =>
  process.env.PROPERTY_RUNS === undefined
    ? base
    : Math.max(base, Math.round((base * Number(process.env.PROPERTY_RUNS)) / 150))

// ---------------------------------------------------------------------------------------------------------------
// Running an Effect: success, a typed failure, or a defect (which fails the test)

export type Outcome<A> =
  | { readonly _tag: "Success"; readonly value: A }
  | { readonly _tag: "Failure"; readonly error: { readonly _tag: string; readonly message: string } }

/**
 * Runs `make()` (building the Effect included: a synchronous throw there is a defect too) and asserts that it either
 * succeeds or fails with one of the `typed` errors: never a defect, never an interruption.
 */
export const outcome = async <A, E>(
  make: () => Effect.Effect<A, E>,
  typed: ReadonlyArray<string>
): Promise<Outcome<A>> => {
  let effect: Effect.Effect<A, E>
  try {
    effect = make()
  } catch (e) {
    throw new Error(`the entry point threw while building its Effect: ${String(e)}`)
  }
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return { _tag: "Success", value: exit.value }
  const cause = exit.cause
  if (Cause.hasDies(cause) || Cause.hasInterrupts(cause))
    throw new Error(`a defect instead of a typed error or a report:\n${Cause.pretty(cause)}`)
  const error = Option.getOrThrow(Cause.findErrorOption(cause)) as { _tag?: unknown; message?: unknown }
  expect(typeof error?._tag, "a typed error").toBe("string")
  expect(typed, `an error of an expected type (${String(error._tag)})`).toContain(error._tag)
  expect(typeof error.message).toBe("string")
  return { _tag: "Failure", error: error as { _tag: string; message: string } }
}

/** The same for an Effect that may not fail at all (its error channel is `never`). */
export const report = async <A>(make: () => Effect.Effect<A>): Promise<A> => {
  const o = await outcome(make, [])
  if (o._tag !== "Success") throw new Error("unreachable")
  return o.value
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations of one byte field, and whether the mutated field may still verify

export type Mutation =
  | { readonly kind: "none" }
  | { readonly kind: "flip"; readonly at: number; readonly mask: number }
  | { readonly kind: "truncate"; readonly keep: number }
  | { readonly kind: "extend"; readonly bytes: Uint8Array }
  | { readonly kind: "replace"; readonly bytes: Uint8Array }
  | { readonly kind: "scramble"; readonly seed: number }
  | { readonly kind: "splice"; readonly at: number; readonly remove: number; readonly insert: Uint8Array }

const fillerBytes = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 48 }),
  fc.integer({ min: 1, max: 48 }).map((n) => new Uint8Array(n)),
  fc.integer({ min: 1, max: 48 }).map((n) => new Uint8Array(n).fill(0xff)),
  fc.array(fc.constantFrom(0x00, 0xff), { minLength: 1, maxLength: 16 }).map((a) => Uint8Array.from(a))
)

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) })
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("extend" as const), bytes: fillerBytes }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("replace" as const),
      bytes: fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.constant(new Uint8Array(0)))
    })
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("scramble" as const), seed: fc.integer({ min: 1 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("splice" as const),
      at: fc.nat(),
      remove: fc.nat({ max: 8 }),
      insert: fc.uint8Array({ maxLength: 8 })
    })
  }
)

/** How the verifier treats one field, for the oracle. */
export interface FieldSpec {
  /** Byte values that may be added or removed at the end without changing what is signed (zero padding, FF filler). */
  readonly tail: ReadonlyArray<number>
  /** Ranges `[from, to)` of the valid bytes that no signature covers: changing them may keep `verified`. */
  readonly uncovered?: ReadonlyArray<readonly [number, number]>
  /** Bytes from this offset on (and any appended) are not read at all (after the data object of a raw EF). */
  readonly ignoredFrom?: number
  /**
   * Mutation kinds whose outcome the oracle does not predict for this field (a raw EF whose data objects' tags and
   * lengths are not signed: an empty data object inserted between two changes nothing that is).
   */
  readonly lenient?: ReadonlyArray<Mutation["kind"]>
}

/** A field the verification does not depend on for its verdict (a candidate intermediate that is not needed). */
export const unused: FieldSpec = { tail: [], ignoredFrom: 0 }

export interface Mutated {
  readonly bytes: Uint8Array
  /** Whether the field may still verify: unchanged up to filler, or changed only where nothing is signed. */
  readonly mayVerify: boolean
  readonly description: string
}

const allIn = (bytes: Uint8Array, set: ReadonlyArray<number>) => bytes.every((b) => set.includes(b))
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])
/** Where the trailing filler of `bytes` starts. */
const tailStart = (bytes: Uint8Array, tail: ReadonlyArray<number>) => {
  let i = bytes.length
  while (i > 0 && tail.includes(bytes[i - 1]!)) i--
  return i
}

export const mutate = (original: Uint8Array, m: Mutation, spec: FieldSpec): Mutated => {
  const mutated = mutateStrict(original, m, spec)
  return spec.lenient?.includes(m.kind) ? { ...mutated, mayVerify: true } : mutated
}

const mutateStrict = (original: Uint8Array, m: Mutation, spec: FieldSpec): Mutated => {
  const n = original.length
  const ignored = spec.ignoredFrom ?? Number.POSITIVE_INFINITY
  const inUncovered = (p: number) => p >= ignored || (spec.uncovered ?? []).some(([from, to]) => p >= from && p < to)
  const filler = tailStart(original, spec.tail)
  switch (m.kind) {
    case "none":
      return { bytes: original, mayVerify: true, description: "unchanged" }
    case "flip": {
      if (n === 0) return { bytes: original, mayVerify: true, description: "flip of an empty field" }
      const at = m.at % n
      const bytes = original.slice()
      bytes[at] = bytes[at]! ^ m.mask
      return {
        bytes,
        mayVerify: inUncovered(at) || (at >= filler && spec.tail.includes(bytes[at]!)),
        description: `flip ${m.mask.toString(16)} at ${at}/${n}`
      }
    }
    case "truncate": {
      const keep = n === 0 ? 0 : m.keep % n
      return {
        bytes: original.slice(0, keep),
        mayVerify: keep >= ignored || allIn(original.subarray(keep), spec.tail),
        description: `truncate to ${keep}/${n}`
      }
    }
    case "extend": {
      const bytes = new Uint8Array(n + m.bytes.length)
      bytes.set(original)
      bytes.set(m.bytes, n)
      return { bytes, mayVerify: n >= ignored || allIn(m.bytes, spec.tail), description: `extend by ${m.bytes.length}` }
    }
    case "replace": {
      const same =
        sameBytes(m.bytes.subarray(0, tailStart(m.bytes, spec.tail)), original.subarray(0, filler)) ||
        sameBytes(m.bytes, original) ||
        (ignored <= Math.min(n, m.bytes.length) &&
          sameBytes(m.bytes.subarray(0, ignored), original.subarray(0, ignored)))
      return { bytes: m.bytes, mayVerify: same, description: `replace by ${m.bytes.length} random bytes` }
    }
    case "scramble": {
      // Random bytes of the field's own length (xorshift32 from the seed).
      const bytes = new Uint8Array(n)
      let x = m.seed | 0 || 1
      for (let i = 0; i < n; i++) {
        x ^= x << 13
        x ^= x >>> 17
        x ^= x << 5
        bytes[i] = x & 0xff
      }
      return { bytes, mayVerify: sameBytes(bytes, original), description: `scramble (seed ${m.seed})` }
    }
    case "splice": {
      const at = m.at % (n + 1)
      const remove = Math.min(m.remove, n - at)
      const removed = original.subarray(at, at + remove)
      const bytes = new Uint8Array(n - remove + m.insert.length)
      bytes.set(original.subarray(0, at))
      bytes.set(m.insert, at)
      bytes.set(original.subarray(at + remove), at + m.insert.length)
      const inTail = at >= filler && allIn(removed, spec.tail) && allIn(m.insert, spec.tail)
      // Same length, every changed byte where nothing is signed: as a flip there.
      let sameLengthUncovered = remove === m.insert.length
      for (let i = at; sameLengthUncovered && i < at + remove; i++)
        if (original[i] !== m.insert[i - at] && !inUncovered(i)) sameLengthUncovered = false
      return {
        bytes,
        mayVerify: sameBytes(bytes, original) || at >= ignored || inTail || sameLengthUncovered,
        description: `splice at ${at}/${n}: -${remove} +${m.insert.length}`
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report invariants

const notAuthentic: ReadonlyArray<Report.Verdict> = [
  "malformed",
  "signature-invalid",
  "revoked",
  "untrusted-chain",
  "unknown-issuer",
  "not-signed"
]

/**
 * What every report keeps, whatever its input: checks present, the summary verdict the worst of the checks', no
 * `verified` summary over a check that is not, `authentic` the conjunction of the checks', a verdict that says a
 * failure never authentic, a plain JSON form, and a card key only from a record that verified.
 */
export const expectConsistent = (r: Report.Report & { readonly cardKey?: { readonly from: string } }): void => {
  if (r.checks.length === 0) {
    // Nothing was checked (an empty CVC chain): never a pass.
    expect(r.verdict).toBe("malformed")
    expect(r.authentic).toBe(false)
    return
  }
  expect(Report.severity).toContain(r.verdict)
  expect(r.verdict, r.summary).toBe(Report.worst(r.checks.map((c) => c.verdict)))
  expect(r.authentic, r.summary).toBe(r.checks.every((c) => c.authentic))
  if (r.verdict === "verified")
    for (const c of r.checks) {
      expect(c.verdict, c.object).toBe("verified")
      expect(c.authentic, c.object).toBe(true)
    }
  for (const c of r.checks) {
    expect(typeof c.object).toBe("string")
    if (c.verdict === "verified") expect(c.authentic, `${c.object} verified but not authentic`).toBe(true)
    if (notAuthentic.includes(c.verdict)) expect(c.authentic, `${c.object} ${c.verdict} but authentic`).toBe(false)
  }
  expect(r.summary.includes(`: ${r.verdict}`), r.summary).toBe(true)
  expect(Number.isNaN(Date.parse(r.checkedAt))).toBe(false)
  const json = Report.toJson(r)
  expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(r)))
  if (r.cardKey !== undefined) {
    // Only from a record that verified up to a trusted CVC (and so never from a report whose CVC did not).
    const from = r.checks.find((c) => c.object === r.cardKey!.from)
    expect(from?.authentic, `card key from ${r.cardKey.from}`).toBe(true)
    expect(r.checks[0]!.authentic, "card key under an untrusted CVC").toBe(true)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Secrets: what no report (outside its `cardKey`) and no error message may contain

const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex")
const b64Of = (b: Uint8Array) => Buffer.from(b).toString("base64")

/** A 12-byte run of `bytes` near `from` with at least 9 distinct values (not padding, not a repeated pattern). */
export const distinctiveRun = (bytes: Uint8Array, from = Math.floor(bytes.length / 2)): Uint8Array => {
  for (let i = from; i + 12 <= bytes.length; i++) {
    const run = bytes.subarray(i, i + 12)
    if (new Set(run).size >= 9) return run
  }
  for (let i = 0; i + 12 <= bytes.length; i++) {
    const run = bytes.subarray(i, i + 12)
    if (new Set(run).size >= 9) return run
  }
  throw new Error("no distinctive run")
}

/** The run as hex (both cases) and as base64 at each of the three alignments it can take in a longer base64 text. */
const needlesOf = (run: Uint8Array): ReadonlyArray<string> => [
  hexOf(run),
  hexOf(run).toUpperCase(),
  ...[0, 1, 2].map((offset) => b64Of(run.subarray(offset, offset + 9))),
  ...[0, 1, 2].map((offset) => Buffer.from(run.subarray(offset, offset + 9)).toString("base64url"))
]

const modulusOf = (pkcs8: Uint8Array) =>
  Uint8Array.from(Buffer.from(createPublicKey(privateKey(pkcs8)).export({ format: "jwk" }).n!, "base64url"))

const myNumber = "123456789018"

export interface Secret {
  readonly name: string
  readonly needles: ReadonlyArray<string>
}

export const secrets: ReadonlyArray<Secret> = [
  {
    name: "the My Number",
    needles: [myNumber, hexOf(new TextEncoder().encode(myNumber)), ...needlesOf(M.ef0001.subarray(3, 15))]
  },
  ...(
    [
      ["kenhojo card key", Fixtures.myNumberKenhojoCardKeyPkcs8Der],
      ["kenkaku card key", Fixtures.myNumberKenkakuCardKeyPkcs8Der],
      ["residence gen 1 signer key", Fixtures.residenceGen1CardKeyPkcs8Der],
      ["JPKI authentication key", Fixtures.myNumberJpkiAuthKeyPkcs8Der]
    ] as const
  ).map(([name, pkcs8]) => ({ name: `${name} (modulus)`, needles: needlesOf(distinctiveRun(modulusOf(pkcs8), 100)) })),
  ...(
    [
      ["residence gen 1 front image", Fixtures.residenceGen1FrontTiff],
      ["residence gen 1 face image", Fixtures.residenceGen1FaceJp2],
      ["residence gen 2 face image", Fixtures.residenceGen2FaceJp2],
      ["residence gen 2 name image", Fixtures.residenceGen2NameTiff],
      ["My Number card face image", Fixtures.myNumberFaceJp2],
      ["My Number card name image", Fixtures.myNumberNamePng],
      ["My Number card address image", Fixtures.myNumberAddressPng],
      ["My Number image", Fixtures.myNumberNumberPng],
      ["security code image", Fixtures.myNumberSecurityCodePng]
    ] as const
  ).map(([name, bytes]) => ({ name, needles: needlesOf(distinctiveRun(bytes)) }))
]

/** Asserts that `text` holds none of the secrets. */
export const expectNoSecrets = (text: string, where: string): void => {
  for (const secret of secrets)
    for (const needle of secret.needles)
      if (text.includes(needle)) expect.fail(`${where} contains ${secret.name} (${needle})`)
}

/** A report's JSON, without its `cardKey` (the card's public key, carried by design when its record verified). */
export const expectReportPrivate = (r: Report.Report & { readonly cardKey?: unknown }, where: string): void => {
  const { cardKey: _cardKey, ...rest } = r
  expectNoSecrets(JSON.stringify(rest), `${where}: report`)
  expectNoSecrets(Report.toJson(rest as Report.Report), `${where}: report JSON`)
}

export const expectErrorPrivate = (error: { readonly message: string }, where: string): void => {
  expectNoSecrets(error.message, `${where}: error message`)
  expectNoSecrets(JSON.stringify(error), `${where}: error JSON`)
  expectNoSecrets(String(error), `${where}: error text`)
}

/** The checks of a report as compared across backends. */
export const verdicts = (r: Report.Report) => ({
  verdict: r.verdict,
  authentic: r.authentic,
  checks: r.checks.map((c) => ({ object: c.object, verdict: c.verdict, authentic: c.authentic, form: c.form }))
})
