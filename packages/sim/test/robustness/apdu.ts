// Shared pieces of the robustness (fuzzing) tests: the test's own reading of a command APDU's length fields, the
// generic checks every response must pass, and fast-check arbitraries for well-formed, malformed and random command
// APDUs. Written from ISO/IEC 7816-3 §12.1 and the simulator's documented rules (packages/sim/README.md); it does not
// import the simulator's parser.
import { concat, toHex } from "@jpcard/core/Bytes"
import fc from "fast-check"
import { assert, expect } from "vitest"
import { CardPoweredOffError, type SimulatedCard } from "../../src/SimulatedCard.js"

/** A command APDU as the test reads its length fields. */
export interface Apdu {
  readonly cla: number
  readonly ins: number
  readonly p1: number
  readonly p2: number
  /** Exactly Lc bytes (empty without Lc). */
  readonly data: Uint8Array
  readonly hasData: boolean
  /** Ne: 1–256 short, 1–65536 extended; `undefined` without Le. */
  readonly ne: number | undefined
  readonly extended: boolean
  readonly case: 1 | 2 | 3 | 4
}

/**
 * What a card does with command data longer than Lc, i.e. bytes after the Lc data that are not exactly one Le field
 * (1 byte after a short Lc, 2 after an extended one):
 * - `"malformed"`: ISO/IEC 7816-3 §12.1 has no such case, so the command is a length error (67 00). The My Number
 *   card (its reference has no exception), and the residence card's GET CHALLENGE and READ BINARY (§4.2.3(6),
 *   §4.2.5(6) 特記事項 「特に無し」).
 * - `"useLc"`: the first Lc bytes are the data, the rest is ignored and there is no Le: the residence card's SELECT,
 *   VERIFY and MUTUAL AUTHENTICATE (在留カード等仕様書 Ver 1.5 §4.2.1(6), §4.2.2(6), §4.2.4(6) 特記事項, README
 *   "Command data longer than Lc").
 */
export type DataLongerThanLc = "malformed" | "useLc"

/**
 * ISO/IEC 7816-3 §12.1 cases 1–4, short and extended, plus the card's rule for data longer than Lc. `"malformed"`
 * for a command whose length fields cannot be satisfied (shorter than 4 bytes, shorter than its Lc, a 6-byte
 * `.. 00 XX`, an extended Lc of 0) and, with `longer` `"malformed"`, for data longer than Lc.
 */
export const parseApdu = (b: Uint8Array, longer: DataLongerThanLc): Apdu | "malformed" => {
  const n = b.length
  if (n < 4) return "malformed"
  const head = { cla: b[0]!, ins: b[1]!, p1: b[2]!, p2: b[3]! }
  const none = new Uint8Array(0)
  if (n === 4) return { ...head, data: none, hasData: false, ne: undefined, extended: false, case: 1 }
  if (n === 5) return { ...head, data: none, hasData: false, ne: b[4]! || 256, extended: false, case: 2 }
  if (b[4] !== 0) {
    const lc = b[4]!
    if (n < 5 + lc) return "malformed"
    const data = b.slice(5, 5 + lc)
    if (n === 6 + lc) return { ...head, data, hasData: true, ne: b[n - 1]! || 256, extended: false, case: 4 }
    if (n > 6 + lc && longer === "malformed") return "malformed"
    return { ...head, data, hasData: true, ne: undefined, extended: false, case: 3 }
  }
  if (n === 6) return "malformed"
  const x = (b[5]! << 8) | b[6]!
  if (n === 7) return { ...head, data: none, hasData: false, ne: x || 65536, extended: true, case: 2 }
  if (x === 0 || n < 7 + x) return "malformed"
  const data = b.slice(7, 7 + x)
  if (n === 9 + x) {
    return { ...head, data, hasData: true, ne: (b[n - 2]! << 8) | b[n - 1]! || 65536, extended: true, case: 4 }
  }
  if (n > 7 + x && longer === "malformed") return "malformed"
  return { ...head, data, hasData: true, ne: undefined, extended: true, case: 3 }
}

/**
 * Fails the test with `message()` unless `condition` holds. The message (hex dumps, the model's state) is built only
 * on failure: the harnesses check thousands of answers per property.
 */
export const check = (condition: boolean, message: () => string): void => {
  if (!condition) assert.fail(message())
}

export const hex4 = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, "0")

export interface Answer {
  readonly data: Uint8Array
  readonly sw: number
}

/**
 * Sends one command and applies the checks every answer must pass, whatever the card and its state: the card does
 * not throw (it is powered), the answer ends in a status word, an error status carries no data, the status word is
 * one the card documents, and a 9000 answer to a command with Le carries at most Ne bytes.
 */
export const exchange = (
  card: SimulatedCard,
  command: Uint8Array,
  documented: (sw: number) => boolean,
  context: () => string
): Answer => {
  let response: Uint8Array
  try {
    response = card.transmit(command.slice())
  } catch (error) {
    throw new Error(`the card threw on ${toHex(command)} (${context()}): ${String(error)}`)
  }
  const where = () => `${toHex(command)} → ${toHex(response)} (${context()})`
  check(response.length >= 2, () => `no status word: ${where()}`)
  const sw = (response[response.length - 2]! << 8) | response[response.length - 1]!
  const data = response.subarray(0, response.length - 2)
  check(documented(sw), () => `undocumented status word: ${where()}`)
  check(sw === 0x9000 || data.length === 0, () => `data with an error status: ${where()}`)
  // Data longer than Lc has no Le under either rule, so the Ne bound does not depend on it.
  const parsed = parseApdu(command, "useLc")
  if (parsed !== "malformed" && parsed.ne !== undefined) {
    const ne = parsed.ne
    check(data.length <= ne, () => `more than Ne = ${ne} bytes: ${where()}`)
  }
  return { data, sw }
}

/** A powered-off card throws `CardPoweredOffError` for every command (README "Power"), and nothing else. */
export const expectPoweredOff = (card: SimulatedCard, command: Uint8Array): void => {
  expect(() => card.transmit(command)).toThrow(CardPoweredOffError)
}

// ---------------------------------------------------------------------------------------------------------------------
// Arbitraries.

export const byte = fc.integer({ min: 0, max: 255 })
const u16 = fc.integer({ min: 0, max: 0xffff })

/** Bytes from a list of interesting values, or any byte. */
export const oneOfBytes = (...values: ReadonlyArray<number>): fc.Arbitrary<number> =>
  fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 3 }, { arbitrary: byte, weight: 1 })

/**
 * Bytes after the Lc data that are not one Le field: 2–4 after a short Lc, 1 or 3–4 after an extended Lc (the
 * "data longer than Lc" of {@link DataLongerThanLc}).
 */
export const surplusAfter = (extended: boolean): fc.Arbitrary<Uint8Array> =>
  extended
    ? fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 1 }), fc.uint8Array({ minLength: 3, maxLength: 4 }))
    : fc.uint8Array({ minLength: 2, maxLength: 4 })

/**
 * Everything after the header: cases 1–4 in short and extended form with any Le, and the length oddities (Lc larger
 * or smaller than the data, extended Lc 0, a lone `00 XX`, surplus bytes after the data or after Le).
 */
export const body: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(new Uint8Array(0)),
  byte.map((le) => Uint8Array.of(le)),
  u16.map((le) => Uint8Array.of(0, le >> 8, le & 0xff)),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.option(byte, { nil: undefined }))
    .map(([d, le]) => concat(Uint8Array.of(d.length), d, le === undefined ? new Uint8Array(0) : Uint8Array.of(le))),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.option(u16, { nil: undefined }))
    .map(([d, le]) =>
      concat(
        Uint8Array.of(0, d.length >> 8, d.length & 0xff),
        d,
        le === undefined ? new Uint8Array(0) : Uint8Array.of(le >> 8, le & 0xff)
      )
    ),
  fc
    .tuple(fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 60 }))
    .map(([lc, d]) => concat(Uint8Array.of(lc), d)),
  fc.tuple(u16, fc.uint8Array({ maxLength: 60 })).map(([lc, d]) => concat(Uint8Array.of(0, lc >> 8, lc & 0xff), d)),
  byte.map((x) => Uint8Array.of(0, x)),
  fc.uint8Array({ minLength: 1, maxLength: 8 }),
  // Data longer than Lc, short and extended.
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), surplusAfter(false))
    .map(([d, extra]) => concat(Uint8Array.of(d.length), d, extra)),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 300 }), surplusAfter(true))
    .map(([d, extra]) => concat(Uint8Array.of(0, d.length >> 8, d.length & 0xff), d, extra))
)

export interface HeaderArbitraries {
  readonly cla: fc.Arbitrary<number>
  readonly ins: fc.Arbitrary<number>
  readonly p1: fc.Arbitrary<number>
  readonly p2: fc.Arbitrary<number>
}

/** A command with the given header arbitraries and any {@link body}. */
export const structured = (h: HeaderArbitraries): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(h.cla, h.ins, h.p1, h.p2, body)
    .map(([cla, ins, p1, p2, rest]) => concat(Uint8Array.of(cla, ins, p1, p2), rest))

/** Random bytes: too short for a header, short, or long. */
export const raw: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 3 }),
  fc.uint8Array({ minLength: 4, maxLength: 24 }),
  fc.uint8Array({ minLength: 4, maxLength: 600 })
)

/** Le forms for commands that expect response data: short (`00` = 256, any byte) or extended. */
export const leField: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(Uint8Array.of(0)),
  byte.map((b) => Uint8Array.of(b)),
  fc.constant(Uint8Array.of(0, 0, 0)),
  u16.map((x) => Uint8Array.of(0, x >> 8, x & 0xff)),
  fc.constant(new Uint8Array(0))
)

/** `Lc ‖ data` in short form (data of 1–255 bytes) or extended form. */
export const withLc = (data: Uint8Array, extended: boolean): Uint8Array =>
  extended || data.length > 255
    ? concat(Uint8Array.of(0, data.length >> 8, data.length & 0xff), data)
    : concat(Uint8Array.of(data.length), data)
