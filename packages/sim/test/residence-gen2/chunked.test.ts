// SM READ BINARY of the second-generation card in chunks (reference residence-card.md §9.4): the first command by
// SFI, the next ones by offset; every response is its own 86 object, AES-CBC from IV 0 with 1–16 bytes of padding.
import { describe, expect, it } from "vitest"
import * as ResidenceGen2 from "../../src/residence/Gen2Card.js"
import { login, openSm, selectDf, send, smReadExtended, smReadShort, swOf, toHex } from "./host.js"

type Files = Record<string, Record<string, Uint8Array | undefined>>

const EFS = (cardType: "05" | "06") =>
  [
    ["MF", 0x8b, "mf", "ef01"],
    ["MF", 0x8a, "mf", "ef02"],
    ["DF1", 0x81, "df1", "ef01"],
    ["DF1", 0x83, "df1", "ef02"],
    ["DF1", 0x84, "df1", "ef03"],
    ["DF1", 0x86, "df1", "ef04"],
    ...(cardType === "05"
      ? ([
          ["DF2", 0x81, "df2", "ef01"],
          ["DF2", 0x82, "df2", "ef02"]
        ] as const)
      : []),
    ["DF2", 0x83, "df2", "ef03"],
    ["DF3", 0x82, "df3", "ef01"]
  ] as const

/** Reads a whole EF in SM chunks of at most `chunk` plaintext bytes (Le of the SM object `96 02 XX XX`). */
const readChunked = (
  card: ResidenceGen2.Gen2Card,
  ks: Uint8Array,
  p1: number,
  chunk: number,
  form: "extended" | "short"
): { data: Uint8Array; responses: number } => {
  const parts: Array<Uint8Array> = []
  let offset = 0
  let responses = 0
  for (;;) {
    const [cp1, cp2] = offset === 0 ? [p1, 0] : [(offset >> 8) & 0x7f, offset & 0xff]
    const command = form === "extended" ? smReadExtended(cp1, cp2, chunk) : smReadShort(cp1, cp2, chunk, 0)
    const response = send(card, command)
    if (offset > 0 && response.swHex === "6B00") break
    expect(response.swHex).toBe("9000")
    responses++
    const plain = openSm(ks, response.data)
    expect(plain.length).toBeGreaterThan(0)
    expect(plain.length).toBeLessThanOrEqual(chunk)
    parts.push(plain)
    offset += plain.length
  }
  const data = new Uint8Array(offset)
  let at = 0
  for (const part of parts) {
    data.set(part, at)
    at += part.length
  }
  return { data, responses }
}

describe.each(["05", "06"] as const)("card type %s", (cardType) => {
  it.each([
    [1000, "extended"],
    [256, "extended"],
    [100, "extended"],
    [17, "extended"],
    [239, "short"]
  ] as const)("chunks of %s bytes (%s form) reassemble every file", (chunk, form) => {
    const card = ResidenceGen2.make({ cardType, seed: `${cardType}-${chunk}` })
    const files = card.files as unknown as Files
    const ks = login(card, card.cardNumber)
    for (const [df, p1, dir, name] of EFS(cardType)) {
      if (df === "MF") expect(swOf(card, "00 A4 00 00 02 3F 00")).toBe("9000")
      else expect(swOf(card, selectDf(df))).toBe("9000")
      const expected = files[dir]![name]!
      const { data, responses } = readChunked(card, ks, p1, chunk, form)
      expect(toHex(data)).toBe(toHex(expected))
      expect(responses).toBe(Math.ceil(expected.length / chunk))
    }
  })
})

describe("responses fit the command's Le", () => {
  it("short Le 00 (256) without a length in 96 02 gives 239 plaintext bytes: 86 81 F1 01 ‖ 240", () => {
    const card = ResidenceGen2.make({ seed: "le" })
    const ks = login(card, card.cardNumber)
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    const response = send(card, smReadShort(0x84, 0, 0, 0))
    expect(response.swHex).toBe("9000")
    expect(toHex(response.data.subarray(0, 4))).toBe("8681F101")
    expect(response.data.length).toBe(244)
    expect(toHex(openSm(ks, response.data))).toBe(toHex(card.files.df1.ef03.subarray(0, 239)))
    expect(ResidenceGen2.maxSmPlaintext(256)).toBe(239)
  })

  it("a whole-file SM read of DF1/EF04 (2505 bytes) is 86 82 09 D1 01 ‖ 2512 (7 bytes of padding)", () => {
    const card = ResidenceGen2.make({ seed: "ef04" })
    const ks = login(card, card.cardNumber)
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    const response = send(card, smReadExtended(0x86, 0))
    expect(toHex(response.data.subarray(0, 5))).toBe("868209D101")
    expect(response.data.length).toBe(5 + 2512)
    expect(toHex(openSm(ks, response.data))).toBe(toHex(card.files.df1.ef04))
  })

  it("a 16-byte aligned chunk gains a whole padding block", () => {
    const card = ResidenceGen2.make({ seed: "pad" })
    const ks = login(card, card.cardNumber)
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    const response = send(card, smReadExtended(0x84, 0, 32))
    expect(toHex(response.data.subarray(0, 3))).toBe("863101")
    expect(toHex(openSm(ks, response.data))).toBe(toHex(card.files.df1.ef03.subarray(0, 32)))
    expect(toHex(ResidenceGen2.smObject(ks, card.files.df1.ef03.subarray(0, 32)))).toBe(toHex(response.data))
  })
})
