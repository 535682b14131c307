// Robustness sweep of the simulated residence cards (generations 1 and 2, all four card types): arbitrary and
// malformed command APDUs in every state (power-on, each DF selected, challenge armed, session key established,
// card number verified), checked against a model of the card written from 在留カード等仕様書 Ver 1.5 §4.2 and the
// reference (shared/reference/residence-card.md §7–§9, §11) and the simulator's documented choices (README
// "Fidelity" and "Where the spec is silent"). The model predicts every status word and every response byte, so the
// access rules (§9.5) are checked on every READ BINARY: no protected byte leaves the card unless MUTUAL AUTHENTICATE
// and VERIFY succeeded in that session (and, for DF1, the read is under SM).
import { concat, equals, fromHex, toHex, xor } from "@jpcard/core/Bytes"
import { pad, sha1 } from "@jpcard/core/crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as ResidenceGen1 from "../../src/residence/Gen1Card.js"
import * as ResidenceGen2 from "../../src/residence/Gen2Card.js"
import { AID, baseKey, type HostCipher, TDES } from "../host.js"
import { AES } from "../residence-gen2/host.js"
import {
  type Apdu,
  check,
  type DataLongerThanLc,
  exchange,
  expectPoweredOff,
  hex4,
  leField,
  oneOfBytes,
  parseApdu,
  raw,
  structured,
  surplusAfter
} from "./apdu.js"

type Df = "MF" | "DF1" | "DF2" | "DF3"
type Access = "free" | "auth" | "authAndSm"

interface TestEf {
  readonly name: string
  readonly content: Uint8Array
  readonly access: Access
}

/** Short EF identifiers (READ BINARY P1 = 80 | SFI) per DF; generation 1: reference §9.2, generation 2: README. */
type TestTree = Record<Df, ReadonlyMap<number, TestEf>>

const efs = (
  df: Df,
  access: Access,
  entries: ReadonlyArray<readonly [number, string, Uint8Array | undefined]>
): ReadonlyMap<number, TestEf> =>
  new Map(
    entries.flatMap(([sfi, ef, content]) =>
      content === undefined ? [] : [[sfi, { name: `${df}/${ef}`, content, access }] as const]
    )
  )

const gen1Tree = (card: ResidenceGen1.Gen1Card): TestTree => {
  const f = card.files
  return {
    MF: efs("MF", "free", [
      [0x0b, "EF01", f.mf.ef01],
      [0x0a, "EF02", f.mf.ef02]
    ]),
    DF1: efs("DF1", "authAndSm", [
      [0x05, "EF01", f.df1.ef01],
      [0x06, "EF02", f.df1.ef02]
    ]),
    DF2: efs("DF2", "auth", [
      [0x01, "EF01", f.df2.ef01],
      [0x02, "EF02", f.df2.ef02],
      [0x03, "EF03", f.df2.ef03],
      [0x04, "EF04", f.df2.ef04]
    ]),
    DF3: efs("DF3", "auth", [[0x02, "EF01", f.df3.ef01]])
  }
}

const gen2Tree = (card: ResidenceGen2.Gen2Card): TestTree => {
  const f = card.files
  return {
    MF: efs("MF", "free", [
      [0x0b, "EF01", f.mf.ef01],
      [0x0a, "EF02", f.mf.ef02]
    ]),
    DF1: efs("DF1", "authAndSm", [
      [0x01, "EF01", f.df1.ef01],
      [0x03, "EF02", f.df1.ef02],
      [0x04, "EF03", f.df1.ef03],
      [0x06, "EF04", f.df1.ef04]
    ]),
    DF2:
      card.cardType === "05"
        ? efs("DF2", "auth", [
            [0x01, "EF01", f.df2.ef01],
            [0x02, "EF02", f.df2.ef02],
            [0x03, "EF03", f.df2.ef03]
          ])
        : // The 06 card's only DF2 file, SPEC2's EF01, read with P1 83 (README).
          efs("DF2", "auth", [[0x03, "EF01", f.df2.ef03]]),
    DF3: efs("DF3", "auth", [[0x02, "EF01", f.df3.ef01]])
  }
}

interface Flavour {
  readonly name: string
  readonly make: (seed: number, cardNumber: string) => ResidenceGen1.Gen1Card | ResidenceGen2.Gen2Card
  readonly tree: (card: never) => TestTree
  readonly cipher: HostCipher
}

// The fuzz does not verify signatures: a fixed check code / signature skips the RSA / ECDSA signing in `make`.
const checkCode = new Uint8Array(256).fill(0x5c)
const signature = new Uint8Array(96).fill(0x5c)

const FLAVOURS: ReadonlyArray<Flavour> = [
  {
    name: "generation 1, 在留カード (1)",
    make: (seed, cardNumber) => ResidenceGen1.make({ seed, cardNumber, cardType: "1", checkCode }),
    tree: gen1Tree as (card: never) => TestTree,
    cipher: TDES
  },
  {
    name: "generation 1, 特別永住者証明書 (2)",
    make: (seed, cardNumber) => ResidenceGen1.make({ seed, cardNumber, cardType: "2", checkCode }),
    tree: gen1Tree as (card: never) => TestTree,
    cipher: TDES
  },
  {
    name: "generation 2, 在留カード (05)",
    make: (seed, cardNumber) => ResidenceGen2.make({ seed, cardNumber, cardType: "05", signature }),
    tree: gen2Tree as (card: never) => TestTree,
    cipher: AES
  },
  {
    name: "generation 2, 特別永住者証明書 (06)",
    make: (seed, cardNumber) => ResidenceGen2.make({ seed, cardNumber, cardType: "06", signature }),
    tree: gen2Tree as (card: never) => TestTree,
    cipher: AES
  }
]

/** Status words the residence cards document (README "Fidelity"; 表4-5). */
const DOCUMENTED = new Set([
  0x9000, 0x6300, 0x6700, 0x6881, 0x6882, 0x6982, 0x6985, 0x6986, 0x6988, 0x6a82, 0x6a86, 0x6b00, 0x6d00, 0x6e00
])

const AIDS: Record<Exclude<Df, "MF">, Uint8Array> = {
  DF1: fromHex(AID.DF1),
  DF2: fromHex(AID.DF2),
  DF3: fromHex(AID.DF3)
}

const berLength = (n: number): Uint8Array =>
  n < 0x80 ? Uint8Array.of(n) : n < 0x100 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff)

/** `86 L 01 ‖ e[KSenc](data ‖ 80 00…)` (§4.2.5(4), reference §9.3). */
const smObject = (cipher: HostCipher, ks: Uint8Array, plain: Uint8Array): Uint8Array => {
  const cryptogram = cipher.encrypt(ks, pad(plain, cipher.block))
  return concat(Uint8Array.of(0x86), berLength(cryptogram.length + 1), Uint8Array.of(0x01), cryptogram)
}

/** Size of the SM object for `n` plaintext bytes: padding is always present (1 to a block). */
const smObjectSize = (block: number, n: number): number => {
  const padded = (Math.floor(n / block) + 1) * block
  return 1 + berLength(padded + 1).length + 1 + padded
}

// ---------------------------------------------------------------------------------------------------------------------
// The model.

interface Model {
  df: Df
  ef: TestEf | undefined
  /** RND.ICC of a GET CHALLENGE answered by the previous command, if any (§4.2.4(2) 「直前に」). */
  armed: Uint8Array | undefined
  session: Uint8Array | undefined
  verified: boolean
  /** The last challenge the host saw (possibly stale): what a MUTUAL AUTHENTICATE action answers. */
  lastChallenge: Uint8Array
}

const fresh = (): Model => ({
  df: "MF",
  ef: undefined,
  armed: undefined,
  session: undefined,
  verified: false,
  lastChallenge: new Uint8Array(8)
})

interface Setting {
  readonly cipher: HostCipher
  readonly tree: TestTree
  readonly cardNumber: string
  readonly kEnc: Uint8Array
}

/** The expected answer: a status word, and for 90 00 the exact data or a check of it (which may update the model). */
interface Outcome {
  readonly sw: number
  readonly data?: Uint8Array
  readonly onOk?: (data: Uint8Array) => void
  /** The command is a READ BINARY of this EF (for the access assertion). */
  readonly read?: { readonly ef: TestEf; readonly secure: boolean }
}

/**
 * Data longer than Lc per command: SELECT, VERIFY and MUTUAL AUTHENTICATE use Lc (§4.2.1(6), §4.2.2(6), §4.2.4(6)
 * 特記事項); GET CHALLENGE and READ BINARY have no such rule (「特に無し」), so it is a length error there.
 */
const longerThanLc = (ins: number): DataLongerThanLc => ([0xa4, 0x20, 0x82].includes(ins) ? "useLc" : "malformed")

/**
 * What the card must answer to `command` in state `m`, and the new state. Order of checks: length < 4, CLA
 * (6E00 / 6881 for logical channels), INS (6D00), the length fields (6700, {@link longerThanLc}), then the
 * command's own checks in the order of its SW list. `armed` is the challenge armed before this command (every
 * command disarms it).
 */
const predict = (s: Setting, m: Model, command: Uint8Array, armed: Uint8Array | undefined): Outcome => {
  if (command.length < 4) return { sw: 0x6700 }
  const cla = command[0]!
  if (cla !== 0x00 && cla !== 0x08) return { sw: (cla & 0xfc) === 0x00 || (cla & 0xfc) === 0x08 ? 0x6881 : 0x6e00 }
  if (![0xa4, 0x20, 0x84, 0x82, 0xb0].includes(command[1]!)) return { sw: 0x6d00 }
  const c = parseApdu(command, longerThanLc(command[1]!))
  if (c === "malformed") return { sw: 0x6700 }
  switch (c.ins) {
    case 0xa4:
      return select(m, c)
    case 0x84:
      if (c.cla !== 0x00) return { sw: 0x6882 }
      if (c.p1 !== 0 || c.p2 !== 0) return { sw: 0x6a86 }
      if (c.hasData || c.ne === undefined || c.ne < 8) return { sw: 0x6700 }
      return {
        sw: 0x9000,
        onOk: (data) => {
          expect(data.length).toBe(8)
          m.armed = data.slice()
          m.lastChallenge = data.slice()
        }
      }
    case 0x82:
      return mutualAuthenticate(s, m, c, armed)
    case 0x20: {
      // §4.2.2: SM only (69 82 in plain, README), P2 86, a session key, DO 86 11 01; unlimited tries.
      if (c.cla !== 0x08) return { sw: 0x6982 }
      if (c.p1 !== 0x00 || c.p2 !== 0x86) return { sw: 0x6a86 }
      if (m.session === undefined) return { sw: 0x6982 }
      const d = c.data
      if (d.length !== 19 || d[0] !== 0x86 || d[1] !== 0x11 || d[2] !== 0x01) return { sw: 0x6988 }
      const expected = pad(new TextEncoder().encode(s.cardNumber), s.cipher.block)
      m.verified = equals(s.cipher.decrypt(m.session, d.subarray(3, 19)), expected)
      return { sw: m.verified ? 0x9000 : 0x6300, data: new Uint8Array(0) }
    }
    default:
      return readBinary(s, m, c)
  }
}

const select = (m: Model, c: Apdu): Outcome => {
  // §4.2.1: MF by 3F00 (P1-P2 00 00), a DF by its full 16-byte name (04 0C); SM → 68 82.
  if (c.cla !== 0x00) return { sw: 0x6882 }
  if (c.p1 === 0x00 && c.p2 === 0x00) {
    if (c.data.length !== 2) return { sw: 0x6700 }
    if (c.data[0] !== 0x3f || c.data[1] !== 0x00) return { sw: 0x6a82 }
    m.df = "MF"
    m.ef = undefined
    return { sw: 0x9000, data: new Uint8Array(0) }
  }
  if (c.p1 === 0x04 && c.p2 === 0x0c) {
    if (!c.hasData) return { sw: 0x6700 }
    const df = (Object.keys(AIDS) as Array<keyof typeof AIDS>).find((name) => equals(AIDS[name], c.data))
    if (df === undefined) return { sw: 0x6a82 }
    m.df = df
    m.ef = undefined
    return { sw: 0x9000, data: new Uint8Array(0) }
  }
  return { sw: 0x6a86 }
}

const mutualAuthenticate = (s: Setting, m: Model, c: Apdu, armed: Uint8Array | undefined): Outcome => {
  // §4.2.4 and 別添1: directly after GET CHALLENGE (else 69 85); a bad MAC or echo → 63 00 and the session ends.
  if (c.cla !== 0x00) return { sw: 0x6882 }
  if (c.p1 !== 0 || c.p2 !== 0) return { sw: 0x6a86 }
  if (c.data.length !== 0x28 || (c.ne !== undefined && c.ne < 0x28)) return { sw: 0x6700 }
  if (armed === undefined) return { sw: 0x6985 }
  m.session = undefined
  m.verified = false
  const eIfd = c.data.subarray(0, 32)
  if (!equals(s.cipher.mac8(s.kEnc, eIfd), c.data.subarray(32, 40))) return { sw: 0x6300 }
  const plain = s.cipher.decrypt(s.kEnc, eIfd)
  if (!equals(plain.subarray(8, 16), armed)) return { sw: 0x6300 }
  return {
    sw: 0x9000,
    onOk: (data) => {
      expect(data.length).toBe(40)
      const eIcc = data.subarray(0, 32)
      expect(toHex(s.cipher.mac8(s.kEnc, eIcc))).toBe(toHex(data.subarray(32, 40)))
      const icc = s.cipher.decrypt(s.kEnc, eIcc)
      expect(toHex(icc.subarray(0, 8))).toBe(toHex(armed))
      expect(toHex(icc.subarray(8, 16))).toBe(toHex(plain.subarray(0, 8)))
      m.session = sha1(concat(xor(plain.subarray(16, 32), icc.subarray(16, 32)), Uint8Array.of(0, 0, 0, 1))).slice(
        0,
        16
      )
    }
  }
}

const readBinary = (s: Setting, m: Model, c: Apdu): Outcome => {
  // §4.2.5 and reference §9: SM layer first (session, 96 02 XX XX), then P1-P2, access (§9.5), offset.
  const secure = c.cla === 0x08
  let requested = 0
  if (secure) {
    if (m.session === undefined) return { sw: 0x6982 }
    const d = c.data
    if (d.length !== 4 || d[0] !== 0x96 || d[1] !== 0x02) return { sw: 0x6988 }
    requested = (d[2]! << 8) | d[3]!
  } else if (c.hasData || c.ne === undefined) return { sw: 0x6700 }
  let target: TestEf | undefined
  let offset: number
  if (c.p1 & 0x80) {
    if (c.p1 & 0x60) return { sw: 0x6a86 }
    target = s.tree[m.df].get(c.p1 & 0x1f)
    if (target === undefined) return { sw: 0x6a82 }
    offset = c.p2
  } else {
    if (m.ef === undefined) return { sw: 0x6986 }
    target = m.ef
    offset = (c.p1 << 8) | c.p2
  }
  if (target.access !== "free" && !m.verified) return { sw: 0x6982 }
  if (target.access === "authAndSm" && !secure) return { sw: 0x6982 }
  const size = target.content.length
  if (offset >= size) return { sw: 0x6b00 }
  const remaining = size - offset
  const read = { ef: target, secure }
  if (!secure) {
    m.ef = target
    return { sw: 0x9000, data: target.content.slice(offset, offset + Math.min(c.ne!, remaining)), read }
  }
  // The SM object must fit the command's Ne (README: "The response respects the command's Le").
  const ne = c.ne ?? (c.extended ? 65536 : 256)
  if (smObjectSize(s.cipher.block, 1) > ne) return { sw: 0x6700 }
  let n = Math.min(remaining, requested === 0 ? remaining : requested)
  while (smObjectSize(s.cipher.block, n) > ne) n--
  m.ef = target
  return { sw: 0x9000, data: smObject(s.cipher, m.session!, target.content.slice(offset, offset + n)), read }
}

// ---------------------------------------------------------------------------------------------------------------------
// Actions: protocol steps a terminal takes (right or wrong), structured fuzz and raw bytes.

type Action =
  | { readonly t: "bytes"; readonly bytes: Uint8Array }
  | { readonly t: "select"; readonly target: Df | "prefix" | "bogus"; readonly extra: Uint8Array }
  | { readonly t: "challenge"; readonly le: Uint8Array }
  | {
      readonly t: "auth"
      readonly rndIfd: Uint8Array
      readonly kIfd: Uint8Array
      readonly corrupt: "none" | "mac" | "echo"
      readonly le: boolean
    }
  | { readonly t: "verify"; readonly what: "right" | "wrong" | "plain" | "badDo" | "staleKey" }
  | {
      readonly t: "read"
      readonly sm: "no" | "extended" | "short"
      /** An SFI of the current DF (index into its files), or a raw P1. */
      readonly p1: { readonly pick: number } | number
      readonly p2: number
      readonly le: Uint8Array
      readonly xx: number
      /** Bytes appended to an SM read (after its Le, if any): usually none. */
      readonly extra?: Uint8Array
    }
  | { readonly t: "handshake"; readonly auth: Extract<Action, { t: "auth" }> }
  | { readonly t: "login" }
  /** Read every EF of the current DF by SFI, in plain and under SM: a leak probe of the state. */
  | { readonly t: "sweep" }
  | { readonly t: "power"; readonly probe: Uint8Array }

const headers = {
  cla: oneOfBytes(0x00, 0x08, 0x0c, 0x01, 0x03, 0x09, 0x0b, 0x80, 0x84, 0x10, 0xff),
  ins: oneOfBytes(0xa4, 0x20, 0x84, 0x82, 0xb0, 0xb2, 0xca, 0x88, 0xc0, 0x2a),
  p1: oneOfBytes(0x00, 0x04, 0x02, 0x8b, 0x8a, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x9f, 0xa1, 0xc1, 0x7f),
  p2: oneOfBytes(0x00, 0x0c, 0x86, 0x80, 0xff)
}

const authArb = fc.record({
  t: fc.constant("auth" as const),
  rndIfd: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  kIfd: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  corrupt: fc.constantFrom("none", "none", "mac", "echo" as const),
  le: fc.boolean()
})

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: raw.map((bytes) => ({ t: "bytes", bytes }) as const), weight: 2 },
  { arbitrary: structured(headers).map((bytes) => ({ t: "bytes", bytes }) as const), weight: 4 },
  {
    arbitrary: fc.record({
      t: fc.constant("select" as const),
      target: fc.constantFrom("MF", "DF1", "DF2", "DF3", "prefix", "bogus" as const),
      extra: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 4 }))
    }),
    weight: 3
  },
  {
    arbitrary: fc.record({
      t: fc.constant("challenge" as const),
      le: fc.oneof(fc.constant(Uint8Array.of(8)), leField)
    }),
    weight: 2
  },
  { arbitrary: authArb, weight: 1 },
  { arbitrary: authArb.map((auth) => ({ t: "handshake", auth }) as const), weight: 2 },
  {
    arbitrary: fc.record({
      t: fc.constant("verify" as const),
      what: fc.constantFrom("right", "right", "wrong", "plain", "badDo", "staleKey" as const)
    }),
    weight: 2
  },
  {
    arbitrary: fc.record({
      t: fc.constant("read" as const),
      sm: fc.constantFrom("no", "extended", "short" as const),
      p1: fc.oneof(
        { arbitrary: fc.nat().map((pick) => ({ pick })), weight: 3 },
        { arbitrary: oneOfBytes(0x8b, 0x8a, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x00, 0x01, 0x0b), weight: 2 }
      ),
      p2: fc.oneof(fc.constant(0), fc.constant(0), oneOfBytes(0x01, 0x04, 0x10, 0xf0)),
      le: leField,
      xx: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 0xffff })),
      extra: fc.oneof(
        { arbitrary: fc.constant(new Uint8Array(0)), weight: 5 },
        { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4 }), weight: 1 }
      )
    }),
    weight: 9
  },
  { arbitrary: fc.constant({ t: "login" } as const), weight: 3 },
  { arbitrary: fc.constant({ t: "sweep" } as const), weight: 1 },
  {
    arbitrary: fc.oneof(raw, structured(headers)).map((probe) => ({ t: "power", probe }) as const),
    weight: 1
  }
)

/** Named starting states, each reached by well-formed commands. */
const SETUPS = {
  "power-on": [],
  "DF1 selected": [{ t: "select", target: "DF1", extra: new Uint8Array(0) }],
  "DF2 selected": [{ t: "select", target: "DF2", extra: new Uint8Array(0) }],
  "DF3 selected": [{ t: "select", target: "DF3", extra: new Uint8Array(0) }],
  "challenge armed": [{ t: "challenge", le: Uint8Array.of(8) }],
  "session key established": [
    { t: "challenge", le: Uint8Array.of(8) },
    { t: "auth", rndIfd: new Uint8Array(8), kIfd: new Uint8Array(16).fill(7), corrupt: "none", le: true }
  ],
  "card number verified": [{ t: "login" }],
  "verified, DF1 selected": [{ t: "login" }, { t: "select", target: "DF1", extra: new Uint8Array(0) }]
} as const satisfies Record<string, ReadonlyArray<Action>>
type SetupName = keyof typeof SETUPS

const readCommand = (a: Extract<Action, { t: "read" }>, tree: TestTree, df: Df): Uint8Array => {
  const sfis = [...tree[df].keys()]
  const p1 = typeof a.p1 === "number" ? a.p1 : 0x80 | sfis[a.p1.pick % sfis.length]!
  const head = Uint8Array.of(a.sm === "no" ? 0x00 : 0x08, 0xb0, p1, a.p2)
  const le = Uint8Array.of(a.xx >> 8, a.xx & 0xff)
  const extra = a.extra ?? new Uint8Array(0)
  if (a.sm === "no") return concat(head, a.le)
  if (a.sm === "extended") {
    return concat(head, Uint8Array.of(0x00, 0x00, 0x04, 0x96, 0x02), le, Uint8Array.of(0, 0), extra)
  }
  return concat(head, Uint8Array.of(0x04, 0x96, 0x02), le, a.le.length === 1 ? a.le : new Uint8Array(0), extra)
}

/** One card under test with its model. */
class Harness {
  readonly model: Model = fresh()
  readonly setting: Setting
  readonly log: Array<string> = []
  /** The last session key the host derived (kept after the card dropped it, for the "staleKey" VERIFY). */
  private hostKey: Uint8Array = new Uint8Array(16)
  /** Every command sent and its answer (hex), or a power cycle: for the isolation replay. */
  readonly transcript: Array<{ readonly command: Uint8Array; readonly response: Uint8Array } | "power"> = []

  constructor(
    readonly card: ResidenceGen1.Gen1Card | ResidenceGen2.Gen2Card,
    tree: TestTree,
    cipher: HostCipher,
    /** Rewrites every command before it is predicted and sent (e.g. {@link withSurplus}). */
    private readonly rewrite: (command: Uint8Array) => Uint8Array = (command) => command
  ) {
    this.setting = { cipher, tree, cardNumber: card.cardNumber, kEnc: baseKey(card.cardNumber) }
  }

  private context = () =>
    `model ${JSON.stringify({
      df: this.model.df,
      ef: this.model.ef?.name,
      armed: this.model.armed !== undefined,
      session: this.model.session !== undefined,
      verified: this.model.verified
    })}; recent ${this.log.slice(-8).join(" | ")}`

  send(original: Uint8Array): { readonly sw: number; readonly data: Uint8Array } {
    const command = this.rewrite(original)
    const armed = this.model.armed
    this.model.armed = undefined
    const outcome = predict(this.setting, this.model, command, armed)
    const answer = exchange(this.card, command, (sw) => DOCUMENTED.has(sw), this.context)
    this.transcript.push({
      command: command.slice(),
      response: concat(answer.data, Uint8Array.of(answer.sw >> 8, answer.sw & 0xff))
    })
    this.log.push(`${toHex(command).slice(0, 40)}→${hex4(answer.sw)}`)
    const where = () => `${toHex(command)} (${this.context()})`
    // Access (§9.5): protected data only after VERIFY in this session, DF1 only under SM. Checked on its own first,
    // so that a leak is reported as such.
    if (answer.sw === 0x9000 && command[1] === 0xb0) {
      const read = outcome.read
      check(read !== undefined, () => `READ BINARY answered 90 00 where the model refuses it: ${where()}`)
      const { ef, secure } = read!
      check(ef.access === "free" || this.model.verified, () => `protected ${ef.name} read: ${where()}`)
      check(ef.access !== "authAndSm" || secure, () => `${ef.name} read in plain: ${where()}`)
    }
    if (answer.sw !== outcome.sw) expect(hex4(answer.sw), where()).toBe(hex4(outcome.sw))
    if (answer.sw === 0x9000) {
      const data = outcome.data
      if (data !== undefined && !equals(answer.data, data)) expect(toHex(answer.data), where()).toBe(toHex(data))
      outcome.onOk?.(answer.data)
    }
    if (this.model.session !== undefined) this.hostKey = this.model.session
    // The card's own view of its volatile state agrees with the model.
    const state = this.card.inspect()
    const actual = {
      df: state.currentDf,
      ef: state.currentEf,
      armed: state.challengeArmed,
      session: state.sessionKey && toHex(state.sessionKey),
      verified: state.verified
    }
    const expected = {
      df: this.model.df,
      ef: this.model.ef?.name,
      armed: this.model.armed !== undefined,
      session: this.model.session && toHex(this.model.session),
      verified: this.model.verified
    }
    if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual, where()).toEqual(expected)
    return answer
  }

  run(a: Action): void {
    const s = this.setting
    switch (a.t) {
      case "bytes":
        this.send(a.bytes)
        return
      case "select": {
        const data =
          a.target === "MF"
            ? Uint8Array.of(0x3f, 0x00)
            : a.target === "prefix"
              ? AIDS.DF1.subarray(0, 6)
              : a.target === "bogus"
                ? concat(AIDS.DF1.subarray(0, 5), Uint8Array.of(0x05), new Uint8Array(10))
                : AIDS[a.target]
        const head = a.target === "MF" ? Uint8Array.of(0x00, 0xa4, 0x00, 0x00) : Uint8Array.of(0x00, 0xa4, 0x04, 0x0c)
        this.send(concat(head, Uint8Array.of(data.length), data, a.extra))
        return
      }
      case "challenge":
        this.send(concat(Uint8Array.of(0x00, 0x84, 0x00, 0x00), a.le))
        return
      case "auth": {
        const echoed = a.corrupt === "echo" ? this.model.lastChallenge.map((b) => b ^ 0x5a) : this.model.lastChallenge
        const eIfd = s.cipher.encrypt(s.kEnc, concat(a.rndIfd, echoed, a.kIfd))
        const mIfd = s.cipher.mac8(s.kEnc, eIfd)
        if (a.corrupt === "mac") mIfd[0] = mIfd[0]! ^ 0x01
        this.send(
          concat(Uint8Array.of(0x00, 0x82, 0x00, 0x00, 0x28), eIfd, mIfd, a.le ? Uint8Array.of(0) : new Uint8Array(0))
        )
        return
      }
      case "verify": {
        const number = new TextEncoder().encode(a.what === "wrong" ? "ZZ99999999ZZ" : s.cardNumber)
        const key = a.what === "staleKey" ? this.hostKey.map((b) => b ^ 1) : (this.model.session ?? this.hostKey)
        const cryptogram = s.cipher.encrypt(key, pad(number, s.cipher.block))
        const cla = a.what === "plain" ? 0x00 : 0x08
        const tag = a.what === "badDo" ? 0x87 : 0x86
        this.send(concat(Uint8Array.of(cla, 0x20, 0x00, 0x86, 0x13, tag, 0x11, 0x01), cryptogram))
        return
      }
      case "read":
        this.send(readCommand(a, s.tree, this.model.df))
        return
      case "handshake":
        this.run({ t: "challenge", le: Uint8Array.of(8) })
        this.run(a.auth)
        return
      case "login": {
        this.run({ t: "challenge", le: Uint8Array.of(8) })
        this.run({
          t: "auth",
          rndIfd: new Uint8Array(8).fill(1),
          kIfd: new Uint8Array(16).fill(2),
          corrupt: "none",
          le: true
        })
        this.run({ t: "verify", what: "right" })
        expect(this.model.verified, this.context()).toBe(true)
        return
      }
      case "sweep":
        for (const sfi of s.tree[this.model.df].keys()) {
          this.send(Uint8Array.of(0x00, 0xb0, 0x80 | sfi, 0x00, 0x00, 0x00, 0x00))
          this.send(Uint8Array.of(0x08, 0xb0, 0x80 | sfi, 0x00, 0x00, 0x00, 0x04, 0x96, 0x02, 0x00, 0x00, 0x00, 0x00))
        }
        return
      case "power":
        this.card.powerOff()
        expectPoweredOff(this.card, a.probe)
        this.card.powerOn()
        Object.assign(this.model, { ...fresh(), lastChallenge: this.model.lastChallenge })
        this.transcript.push("power")
        this.log.push("power cycle")
        return
    }
  }
}

/**
 * A rewrite that makes the data of every command with an Lc longer than Lc: header ‖ Lc ‖ data ‖ bytes that are not
 * one Le field (any Le is dropped), taken in turn from `extras` (`[after a short Lc, after an extended Lc]`).
 */
const withSurplus = (extras: ReadonlyArray<readonly [Uint8Array, Uint8Array]>) => {
  let next = 0
  return (command: Uint8Array): Uint8Array => {
    const c = parseApdu(command, "useLc")
    if (c === "malformed" || !c.hasData) return command
    const [short, extended] = extras[next++ % extras.length]!
    const lc = c.extended ? Uint8Array.of(0, c.data.length >> 8, c.data.length & 0xff) : Uint8Array.of(c.data.length)
    return concat(command.subarray(0, 4), lc, c.data, c.extended ? extended : short)
  }
}

const setupArb = fc.constantFrom(...(Object.keys(SETUPS) as Array<SetupName>))
const NUMBERS = ["AB12345678CD", "AA12345678BB", "ZX00000001QP"] as const

describe.each(FLAVOURS)("residence card, $name: robustness", (flavour) => {
  const makeHarness = (seed: number, cardNumber: string, rewrite?: (command: Uint8Array) => Uint8Array) => {
    const card = flavour.make(seed, cardNumber)
    return new Harness(card, flavour.tree(card as never), flavour.cipher, rewrite)
  }

  it("arbitrary command sequences from every starting state: never a throw, exact status words, no leak", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom(...NUMBERS),
        setupArb,
        fc.array(actionArb, { minLength: 1, maxLength: 30 }),
        (seed, number, setup, actions) => {
          const h = makeHarness(seed, number)
          for (const a of SETUPS[setup]) h.run(a)
          for (const a of actions) h.run(a)
          h.run({ t: "sweep" })
        }
      ),
      { numRuns: 150 }
    )
  }, 20_000)

  it("malformed APDUs get an error status without data, in every starting state", () => {
    fc.assert(
      fc.property(setupArb, fc.oneof(raw, structured(headers)), (setup, command) => {
        const h = makeHarness(1, NUMBERS[0])
        for (const a of SETUPS[setup]) h.run(a)
        const parsed = parseApdu(command, longerThanLc(command[1] ?? 0))
        const { sw, data } = h.send(command)
        if (parsed === "malformed") {
          // 67 00 unless the header was refused first (CLA, logical channel, INS).
          expect([0x6700, 0x6e00, 0x6881, 0x6d00]).toContain(sw)
          if ((command[0] === 0x00 || command[0] === 0x08) && [0xa4, 0x20, 0x84, 0x82, 0xb0].includes(command[1]!)) {
            expect(hex4(sw)).toBe("6700")
          }
        }
        if (sw !== 0x9000) expect(data.length).toBe(0)
      }),
      { numRuns: 120 }
    )
  }, 20_000)

  it("data longer than Lc on every command: SELECT, VERIFY, MUTUAL AUTH use Lc (特記事項); READ BINARY 6700", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        setupArb,
        fc.array(actionArb, { minLength: 1, maxLength: 20 }),
        fc.array(fc.tuple(surplusAfter(false), surplusAfter(true)), { minLength: 1, maxLength: 6 }),
        (seed, setup, actions, extras) => {
          // The model predicts every answer from the bytes sent, with the rule of `longerThanLc`. On top of that,
          // stated on their own: the protocol still works with surplus bytes on MUTUAL AUTHENTICATE and VERIFY
          // (`login` checks that VERIFY succeeded), and no READ BINARY with them is answered with anything but 6700.
          const h = makeHarness(seed, NUMBERS[0], withSurplus(extras))
          for (const a of SETUPS[setup]) h.run(a)
          h.run({ t: "login" })
          for (const a of actions) h.run(a)
          h.run({ t: "sweep" })
          for (const entry of h.transcript) {
            if (entry === "power") continue
            const { command, response } = entry
            const longer =
              parseApdu(command, "malformed") === "malformed" && parseApdu(command, "useLc") !== "malformed"
            if (longer && (command[0] === 0x00 || command[0] === 0x08) && command[1] === 0xb0) {
              expect(toHex(response), toHex(command)).toBe("6700")
            }
          }
        }
      ),
      { numRuns: 40 }
    )
  }, 20_000)

  it("a wrong card number never locks the card: unlimited VERIFY attempts (§4.2.2(2))", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (wrong) => {
        const h = makeHarness(2, NUMBERS[1])
        h.run({ t: "login" })
        for (let i = 0; i < wrong; i++) h.run({ t: "verify", what: "wrong" })
        expect(h.model.verified).toBe(false)
        h.run({ t: "verify", what: "right" })
        expect(h.model.verified).toBe(true)
      }),
      { numRuns: 20 }
    )
  }, 20_000)

  it("two cards do not share state: interleaved sequences answer as each card alone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.tuple(fc.boolean(), actionArb), { minLength: 2, maxLength: 30 }),
        (seed, steps) => {
          // Same seed and card number on both: any shared state (current DF, challenge, session key, verification,
          // the random stream) would show in one card's answers.
          const cards = [makeHarness(seed, NUMBERS[0]), makeHarness(seed, NUMBERS[0])] as const
          for (const [second, a] of steps) cards[second ? 1 : 0].run(a)
          // Each card's own commands, replayed alone on a fresh card with the same seed, get the same answers.
          for (const h of cards) {
            const alone = flavour.make(seed, NUMBERS[0])
            for (const entry of h.transcript) {
              if (entry === "power") {
                alone.powerOff()
                alone.powerOn()
              } else {
                expect(toHex(alone.transmit(entry.command))).toBe(toHex(entry.response))
              }
            }
            expect(alone.inspect()).toEqual(h.card.inspect())
          }
        }
      ),
      { numRuns: 40 }
    )
  }, 20_000)
})
