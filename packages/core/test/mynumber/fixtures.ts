// Synthetic My Number card contents in the layouts of shared/reference/mynumber-card.md §7, and a harness that runs a
// reader against a scripted card (exact command bytes) while collecting the APDU trace.
import { Effect, Layer } from "effect"
import { concat, fromHex, toHex } from "../../src/Bytes.js"
import * as Tlv from "../../src/tlv/Tlv.js"
import * as ApduTrace from "../../src/trace/ApduTrace.js"
import type { Capabilities, CardTransport } from "../../src/transport/CardTransport.js"
import { extended, shortOnly } from "../../src/transport/CardTransport.js"
import * as TestTransport from "../../src/transport/TestTransport.js"

export { extended, shortOnly }

export const utf8 = (text: string) => new TextEncoder().encode(text)
export const asciiHex = (text: string) => toHex(utf8(text))
export const ok = (data: Uint8Array | string = "") => `${typeof data === "string" ? data : toHex(data)}9000`
export const tlv = (tag: number, value: Uint8Array) => Tlv.encode(tag, value)
/** `n` recognisable bytes. */
export const pattern = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff)
export const ff = (n: number) => new Uint8Array(n).fill(0xff)

export const AID = {
  jpki: "D392F000260100000001",
  kenhojo: "D3921000310001010408",
  kenkaku: "D3921000310001010402",
  common: "D3921000310001010100",
  juki: "D3921000310001010401"
} as const

export const selectAid = (aid: string, response = "9000") => ({ command: `00A4040C0A${aid}`, response })
export const selectEf = (fid: string, response = "9000") => ({ command: `00A4020C02${fid}`, response })
export const query = (response: string) => ({ command: "00200080", response })
export const verify = (secret: string, response = "9000") => ({
  command: `00200080${toHex(Uint8Array.of(secret.length))}${asciiHex(secret)}`,
  response
})

/** MC's test-card holder number (valid check digit). */
export const MY_NUMBER = "537686677188"
/** 照合番号B of MC's example: 昭和55年2月17日, expiry 2035, security code 2285. */
export const VNB = "55021720352285"
export const PIN = "7391"
export const PASSWORD = "SECRET42"

/** kenhojo EF0001 as stored: FF10 0C + 12 digits + FF FF (17 bytes). */
export const myNumberEf = (digits = MY_NUMBER) => concat(tlv(0xff10, utf8(digits)), ff(2))

/** kenhojo EF0002 with the DF21 offsets computed as the card states them. */
export const basicInfoEf = (
  name = "黒桐　幹也",
  address = "東京都清瀬市中清戸５丁目１番地",
  birth = "19800217",
  sex = "1",
  filler = 0
) => {
  const parts = [tlv(0xdf22, utf8(name)), tlv(0xdf23, utf8(address)), tlv(0xdf24, utf8(birth)), tlv(0xdf25, utf8(sex))]
  const bodyLength = 11 + parts.reduce((n, p) => n + p.length, 0)
  const header = tlv(0xff20, new Uint8Array(bodyLength)).length - bodyLength
  const offsets: Array<number> = []
  let at = header + 11
  for (const p of parts) {
    offsets.push(at)
    at += p.length
  }
  const df21 = tlv(0xdf21, Uint8Array.from(offsets.flatMap((o) => [o >> 8, o & 0xff])))
  return concat(tlv(0xff20, concat(df21, ...parts)), ff(filler))
}

export const integrityEf = () =>
  tlv(0xff30, concat(tlv(0xdf31, pattern(32, 1)), tlv(0xdf32, pattern(32, 2)), tlv(0xdf33, pattern(256, 3))))

export const cvcEf = (seed = 4) =>
  tlv(0x7f21, concat(tlv(0x5f4e, pattern(297, seed)), tlv(0x5f37, pattern(256, seed + 1))))

/** kenkaku EF0002 with a photo of `photoLength` bytes. */
export const cardFaceEf = (photoLength = 3947, filler = 0) => {
  const key = tlv(0xdf24, concat(fromHex("90 03 01 00 01"), tlv(0x91, pattern(256, 9))))
  const parts = [
    tlv(0xdf22, utf8("19800217")),
    tlv(0xdf23, utf8("1")),
    key,
    tlv(0xdf25, pattern(321, 10)),
    tlv(0xdf26, pattern(776, 11)),
    tlv(0xdf27, pattern(photoLength, 12)),
    tlv(0xdf28, pattern(256, 13)),
    tlv(0xdf29, utf8("20350217")),
    tlv(0xdf2a, pattern(102, 14))
  ]
  const offsets = new Uint8Array(18)
  return concat(tlv(0xff20, concat(tlv(0xdf21, offsets), ...parts)), ff(filler))
}

export const myNumberImageEf = () =>
  tlv(0xff40, concat(tlv(0xdf41, pattern(146, 20)), tlv(0xdf42, pattern(265, 21)), tlv(0xdf43, pattern(256, 22))))

export const ageRecordEf = () =>
  tlv(0xff10, concat(tlv(0xdf11, utf8("19800217")), tlv(0xdf12, pattern(265, 23)), tlv(0xdf13, pattern(256, 24))))

/** A DER certificate of `length` bytes in all (`30 82 HH LL` + content). */
export const certificate = (length: number, seed = 30) => tlv(0x30, pattern(length - 4, seed))

/**
 * READ BINARY exchanges for a file of which the card returns `file` (physical content) and the reader needs `need`
 * bytes: chunks of 256 (short) from offset 0, the last cut to what remains.
 */
export const shortReads = (file: Uint8Array, need: number) => {
  const out: Array<TestTransport.ScriptedExchange> = []
  for (let offset = 0; offset < need; offset += 256) {
    const le = offset === 0 ? 256 : Math.min(256, need - offset)
    const p1p2 = toHex(Uint8Array.of(offset >> 8, offset & 0xff))
    out.push({
      command: `00B0${p1p2}${toHex(Uint8Array.of(le & 0xff))}`,
      response: ok(file.subarray(offset, Math.min(file.length, offset + le)))
    })
  }
  return out
}

/** One extended READ BINARY of the whole file. */
export const extendedRead = (file: Uint8Array) => ({ command: "00B0000000 0000", response: ok(file) })

export interface Run<A, E> {
  readonly result: A | E
  readonly trace: ReadonlyArray<ApduTrace.TraceEntry>
  readonly remaining: number
}

/**
 * Runs `effect` against a scripted card with a collected trace; succeeds with the value, or with the failure (so a
 * test can inspect typed errors). A command off script is a defect and fails the test.
 */
export const run = <A, E>(
  script: ReadonlyArray<TestTransport.ScriptedExchange>,
  effect: Effect.Effect<A, E, CardTransport>,
  capabilities: Capabilities = shortOnly
) =>
  Effect.gen(function* () {
    const trace: Array<ApduTrace.TraceEntry> = []
    const transport = TestTransport.scripted(script, capabilities)
    const result = yield* effect.pipe(
      Effect.map((a): A | E => a),
      Effect.catch((e) => Effect.succeed<A | E>(e)),
      Effect.provide(Layer.merge(TestTransport.layer(transport), ApduTrace.layerCollect(trace)))
    )
    return { result, trace, remaining: transport.remaining() } satisfies Run<A, E>
  })
