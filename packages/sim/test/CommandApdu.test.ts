// The card-side command parser: ISO/IEC 7816-3 cases 1–4, short and extended.
import { describe, expect, it } from "vitest"
import * as CommandApdu from "../src/iso7816/CommandApdu.js"
import { hex } from "./host.js"

const parse = (h: string, options?: CommandApdu.ParseOptions) => {
  const r = CommandApdu.parse(hex(h), options)
  if (r._tag === "Error") return { sw: r.sw.toString(16).toUpperCase() }
  const c = r.command
  return { case: c.case, data: Array.from(c.data), ne: c.ne, extended: c.extended, ignored: c.ignoredBytes }
}

describe("CommandApdu.parse", () => {
  it("case 1", () =>
    expect(parse("00 A4 00 00")).toEqual({ case: 1, data: [], ne: undefined, extended: false, ignored: 0 }))

  it("case 2 short, Le 00 = 256", () => {
    expect(parse("00 84 00 00 08")).toMatchObject({ case: 2, ne: 8, extended: false })
    expect(parse("00 B0 8A 00 00")).toMatchObject({ case: 2, ne: 256 })
  })

  it("case 2 extended, Le 00 00 00 = 65536", () => {
    expect(parse("00 B0 82 00 00 00 00")).toMatchObject({ case: 2, ne: 65536, extended: true })
    expect(parse("00 B0 82 00 00 05 B8")).toMatchObject({ case: 2, ne: 1464, extended: true })
  })

  it("case 3 and 4 short", () => {
    expect(parse("00 A4 00 00 02 3F 00")).toMatchObject({ case: 3, data: [0x3f, 0], ne: undefined })
    expect(parse("08 B0 85 00 04 96 02 00 F7 00")).toMatchObject({ case: 4, data: [0x96, 2, 0, 0xf7], ne: 256 })
    expect(parse("00 82 00 00 01 AA 28")).toMatchObject({ case: 4, data: [0xaa], ne: 0x28 })
  })

  it("case 3 and 4 extended (the spec's SM READ BINARY)", () => {
    expect(parse("08 B0 85 00 00 00 04 96 02 00 00 00 00")).toMatchObject({
      case: 4,
      data: [0x96, 2, 0, 0],
      ne: 65536,
      extended: true
    })
    expect(parse("08 B0 85 00 00 00 02 96 00")).toMatchObject({ case: 3, data: [0x96, 0], extended: true })
    expect(parse("08 B0 85 00 00 00 01 96 01 00")).toMatchObject({ case: 4, data: [0x96], ne: 256 })
  })

  it("67 00 when the command is shorter than Lc, for a lone 00, or for an extended Lc of 0", () => {
    expect(parse("00 A4 04 0C 10 D3 92")).toEqual({ sw: "6700" })
    expect(parse("08 B0 85 00 00 00 04 96 02")).toEqual({ sw: "6700" })
    expect(parse("00 B0 8B 00 00 00")).toEqual({ sw: "6700" })
    expect(parse("00 B0 8B 00 00 00 00 01")).toEqual({ sw: "6700" })
    expect(parse("00 B0 8B")).toEqual({ sw: "6700" })
  })

  it("67 00 by default when the bytes after the Lc data are not exactly one Le field (ISO/IEC 7816-3 §12.1)", () => {
    // Short Lc: 2 or more bytes after the data (a lone byte is Le).
    expect(parse("00 20 00 80 04 31 32 33 34 00 00")).toEqual({ sw: "6700" })
    expect(parse("00 A4 00 00 02 3F 00 01 02")).toEqual({ sw: "6700" })
    expect(parse("00 20 00 80 04 31 32 33 34 00 00 00")).toEqual({ sw: "6700" })
    // Extended Lc: 1, 3 or more bytes after the data (exactly 2 are Le).
    expect(parse("08 B0 85 00 00 00 02 96 00 01")).toEqual({ sw: "6700" })
    expect(parse("08 B0 85 00 00 00 02 96 00 01 02 03")).toEqual({ sw: "6700" })
    expect(parse("00 20 00 80 00 00 04 31 32 33 34 00")).toEqual({ sw: "6700" })
    expect(parse("00 20 00 80 04 31 32 33 34 00 00", { dataLongerThanLc: "wrongLength" })).toEqual({ sw: "6700" })
    // The well-formed neighbours still parse.
    expect(parse("00 20 00 80 04 31 32 33 34")).toMatchObject({ case: 3, ignored: 0 })
    expect(parse("00 20 00 80 04 31 32 33 34 00")).toMatchObject({ case: 4, ne: 256, ignored: 0 })
    expect(parse("00 20 00 80 00 00 04 31 32 33 34 00 00")).toMatchObject({ case: 4, ne: 65536, ignored: 0 })
  })

  it('data longer than Lc with dataLongerThanLc "useLc" (在留カード等仕様書 特記事項): the first Lc bytes count, no Le', () => {
    const useLc = { dataLongerThanLc: "useLc" } as const
    expect(parse("00 A4 00 00 02 3F 00 01 02", useLc)).toMatchObject({
      case: 3,
      data: [0x3f, 0],
      ne: undefined,
      ignored: 2
    })
    expect(parse("08 B0 85 00 00 00 02 96 00 01", useLc)).toMatchObject({ case: 3, data: [0x96, 0], ignored: 1 })
    expect(parse("08 B0 85 00 00 00 02 96 00 01 02 03", useLc)).toMatchObject({ case: 3, ignored: 3 })
    // Still exactly one Le field is Le, and shorter than Lc is still 67 00.
    expect(parse("00 A4 00 00 02 3F 00 01", useLc)).toMatchObject({ case: 4, ne: 1, ignored: 0 })
    expect(parse("00 A4 04 0C 10 D3 92", useLc)).toEqual({ sw: "6700" })
  })

  it("isExtended looks at the bytes only", () => {
    expect(CommandApdu.isExtended(hex("00 B0 82 00 00 00 00"))).toBe(true)
    expect(CommandApdu.isExtended(hex("00 B0 82 00 00"))).toBe(false)
    expect(CommandApdu.isExtended(hex("00 A4 00 00 02 3F 00"))).toBe(false)
  })
})
