// Card-wide behaviour of the simulated My Number card: CLA/INS/length status words, SELECT forms, GET CHALLENGE,
// ATRs, options, holder-data rules (shared/reference/mynumber-card.md §1, §4, §6.3, §10, §12).
import { CardTransport } from "@jpcard/core/transport/CardTransport"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as Fixtures from "../../src/fixtures/data.js"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
import * as SimTransport from "../../src/SimTransport.js"
import { concat, hex, ok, readEf, selectDf, selectEf, send, swOf, toHex, verifyKey } from "./host.js"

describe("status words card-wide", () => {
  it("CLA: logical channels → 6881, secure messaging → 6882 (SELECT) / 69FC (READ BINARY, VERIFY), others 6E00", () => {
    const card = MyNumberCard.make()
    expect(swOf(card, "01 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")).toBe("6881")
    expect(swOf(card, "40 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")).toBe("6881")
    expect(swOf(card, "0C A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")).toBe("6882")
    ok(card, selectDf("jpki"))
    ok(card, selectEf(0x000a))
    expect(swOf(card, "08 B0 00 00 00")).toBe("69FC")
    expect(swOf(card, "0C B0 00 00 00")).toBe("69FC")
    expect(swOf(card, "0C 20 00 98")).toBe("69FC")
    expect(swOf(card, "10 B0 00 00 00")).toBe("6884")
    for (const cla of ["20", "A0", "B0", "C0", "E0", "FF"]) expect(swOf(card, `${cla} B0 00 00 00`), cla).toBe("6E00")
    // CLA 80 with an interindustry INS, CLA 00 with a proprietary one, unknown INS: 6D00.
    expect(swOf(card, "80 B0 00 00 00")).toBe("6D00")
    expect(swOf(card, "00 FC 00 00")).toBe("6D00")
    expect(swOf(card, "00 0E 00 00")).toBe("6D00")
    expect(swOf(card, "00 B1 00 00 00")).toBe("6D00")
  })

  it("lengths: fewer than 4 bytes or a truncated Lc → 6700; READ BINARY without Le or with data → 6700", () => {
    const card = MyNumberCard.make()
    expect(swOf(card, "00 A4 04")).toBe("6700")
    expect(swOf(card, "00 A4 04 0C 0A D3 92")).toBe("6700")
    ok(card, selectDf("jpki"))
    ok(card, selectEf(0x000a))
    expect(swOf(card, "00 B0 00 00")).toBe("6700")
    expect(swOf(card, "00 B0 00 00 01 00 00")).toBe("6700")
    expect(swOf(card, "00 A4 02 0C 01 0A")).toBe("6700")
    expect(swOf(card, "00 A4 04 0C")).toBe("6700")
    expect(swOf(card, "00 20 00 98 00")).toBe("6700") // VERIFY with Le only
  })

  it("bytes beyond Lc/Le → 6700 before any command logic: VERIFY consumes no try and verifies nothing", () => {
    const card = MyNumberCard.make()
    const left = (key: MyNumberCard.KeyName) => card.triesLeft(key)
    ok(card, selectDf("jpki"))
    ok(card, selectEf(0x0018))
    // Short Lc + 2 bytes (a wrong PIN, and then the right one), short Lc + 3 bytes, extended Lc + 1 and + 3 bytes.
    for (const apdu of [
      "00 20 00 80 04 39 39 39 39 00 00",
      "00 20 00 80 04 31 32 33 34 FF FF",
      "00 20 00 80 04 31 32 33 34 00 00 00",
      "00 20 00 80 00 00 04 39 39 39 39 00",
      "00 20 00 80 00 00 04 31 32 33 34 00 00 00",
      "00 20 00 98 04 39 39 39 39 00 00" // SFI form
    ]) {
      expect(swOf(card, apdu), apdu).toBe("6700")
      expect(left("jpkiAuthPin"), apdu).toBe(3)
      expect(card.inspect().verified, apdu).toEqual([])
    }
    // The signing password (5 tries) and the 券面 APs' 照合番号: the same.
    ok(card, selectEf(0x001b))
    expect(swOf(card, "00 20 00 80 06 41 42 43 31 32 39 00 00")).toBe("6700")
    expect(left("jpkiSignPassword")).toBe(5)
    ok(card, selectDf("kenhojo"))
    expect(swOf(card, "00 20 00 91 04 39 39 39 39 00 00")).toBe("6700")
    expect(left("kenhojoPin")).toBe(3)
    // The well-formed VERIFY (case 3, and case 4 with one Le byte) still counts.
    expect(swOf(card, "00 20 00 91 04 39 39 39 39")).toBe("63C2")
    expect(swOf(card, "00 20 00 91 04 31 32 33 34 00")).toBe("9000")
    expect(left("kenhojoPin")).toBe(3)
    // Other commands: nothing is selected, changed or signed.
    expect(swOf(card, `${selectDf("jpki")} 00 00`)).toBe("6700")
    expect(card.inspect().currentDf).toBe("kenhojo")
    expect(swOf(card, "00 24 01 91 04 35 36 37 38 00 00")).toBe("6700")
    expect(card.pins.kenhojo).toBe("1234")
    expect(swOf(card, concat(hex("80 2A 00 00 00 00 20"), new Uint8Array(32), hex("00 00 00")))).toBe("6700")
    expect(swOf(card, "00 A4 02 0C 02 00 01 00 00")).toBe("6700")
    expect(card.inspect().currentEf).toBeUndefined()
  })

  it("READ BINARY: no current EF → 6986; offsets at or past the end → 6B00; bad SFI P1 → 6A86; unknown SFI → 6A82", () => {
    const card = MyNumberCard.make()
    ok(card, selectDf("jpki"))
    expect(swOf(card, "00 B0 00 00 00")).toBe("6986")
    expect(swOf(card, "00 B0 83 00 00")).toBe("6A82")
    expect(swOf(card, "00 B0 A8 00 00")).toBe("6A86")
    expect(swOf(card, "00 B0 80 00 00")).toBe("6A86")
    ok(card, selectEf(0x0008))
    expect(toHex(ok(card, "00 B0 00 01 00"))).toBe("8F00")
    expect(swOf(card, "00 B0 00 03 00")).toBe("6B00")
    expect(swOf(card, "00 B0 7F FF 01")).toBe("6B00")
    // SFI with an offset: 8-bit offset in P2.
    expect(toHex(ok(card, "00 B0 88 02 00"))).toBe("00")
  })

  it("SELECT forms: 04 00 returns an FCI 6F { 84 name }; other P2 → 6A86; P1 01/08 → 6A86; prefix names select", () => {
    const card = MyNumberCard.make()
    const fci = ok(card, "00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01 00")
    expect(toHex(fci)).toBe("6F0C840AD392F000260100000001")
    expect(swOf(card, "00 A4 04 04 0A D3 92 F0 00 26 01 00 00 00 01")).toBe("6A86")
    expect(swOf(card, "00 A4 04 02 0A D3 92 F0 00 26 01 00 00 00 01")).toBe("6A86")
    expect(swOf(card, "00 A4 01 0C 02 00 01")).toBe("6A86")
    expect(swOf(card, "00 A4 08 0C 02 00 0A")).toBe("6A86")
    expect(swOf(card, "00 A4 02 00 02 00 0A")).toBe("6A86")
    // JICSAP 4.2(1): a prefix selects the first matching DF (a success does not prove which one, §2).
    ok(card, "00 A4 04 0C 06 D3 92 F0 00 26 01")
    expect(card.inspect().currentDf).toBe("jpki")
    ok(card, "00 A4 04 0C 09 D3 92 10 00 31 00 01 01 04")
    expect(card.inspect().currentDf).toBe("juki") // …0401 comes before …0402 and …0408
  })

  it("GET CHALLENGE: 1–256 bytes as asked; extended Le → 6985; P1-P2 ≠ 0 → 6A86; no Le → 6700", () => {
    const card = MyNumberCard.make({ seed: "challenge" })
    expect(ok(card, "00 84 00 00 01").length).toBe(1)
    expect(ok(card, "00 84 00 00 08").length).toBe(8)
    expect(ok(card, "00 84 00 00 00").length).toBe(256)
    expect(swOf(card, "00 84 00 00 00 00 10")).toBe("6985")
    expect(swOf(card, "00 84 00 01 08")).toBe("6A86")
    expect(swOf(card, "00 84 00 00")).toBe("6700")
    // The same seed gives the same challenges; scripted randoms come first.
    const a = MyNumberCard.make({ seed: 9 })
    const b = MyNumberCard.make({ seed: 9 })
    expect(toHex(ok(a, "00 84 00 00 10"))).toBe(toHex(ok(b, "00 84 00 00 10")))
    const scripted = MyNumberCard.make({ seed: 9, randoms: [hex("01 02 03 04")] })
    expect(toHex(ok(scripted, "00 84 00 00 04"))).toBe("01020304")
  })

  it("GET RESPONSE → 6985 (the card never answers 61xx); 80 FC on the plastic card → 6700", () => {
    const card = MyNumberCard.make()
    expect(swOf(card, "00 C0 00 00 10")).toBe("6985")
    expect(swOf(card, "80 FC 00 00")).toBe("6700")
  })

  it("80 A2 (terminal certificate, JPKI): 6A86 for unknown P1-P2, 6700 for a bogus second part, 6A80 for a real-shaped one", () => {
    const card = MyNumberCard.make()
    ok(card, selectDf("jpki"))
    expect(swOf(card, "80 A2 00 00 01 00")).toBe("6A86")
    expect(swOf(card, "80 A2 00 C1 04 5F 37 01 00")).toBe("6700")
    expect(swOf(card, concat(hex("80 A2 06 C1 00 01 33"), new Uint8Array(307)))).toBe("9000")
    // Extended Lc 0104 (260) with 261 data bytes: a length error, answered before the command logic, so the first
    // part stays armed. The same 260 bytes with the right Lc reach the signature check.
    expect(swOf(card, concat(hex("80 A2 00 C1 00 01 04 5F 37 82 01 00"), new Uint8Array(256)))).toBe("6700")
    expect(swOf(card, concat(hex("80 A2 00 C1 00 01 04 5F 37 82 01 00"), new Uint8Array(255)))).toBe("6A80")
    ok(card, selectDf("kenhojo"))
    expect(swOf(card, "80 A2 00 C1 04 5F 37 01 00")).toBe("6D00")
  })
})

describe("ATR and connection (§10)", () => {
  it("contact ATR 3B E0 00 FF 81 31 FE 45 14 (OpenSC's table) by default; contactless 3B 88 80 01 …41 E0 B3 81 A1 00 3B", () => {
    expect(toHex(MyNumberCard.make().atr)).toBe("3BE000FF8131FE4514")
    expect(toHex(MyNumberCard.make({ connection: "contactless" }).atr)).toBe("3B888001000041E0B381A1003B")
    expect(toHex(MyNumberCard.make({ atr: hex("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F") }).atr)).toBe(
      "3B888001000005E0B381A1007F"
    )
    // TCK: the XOR of T0 … TCK is 0.
    for (const atr of [MyNumberCard.ATR_CONTACT, MyNumberCard.ATR_CONTACTLESS]) {
      expect(atr.subarray(1).reduce((x, b) => x ^ b, 0)).toBe(0)
    }
  })

  it("the same APDUs on both interfaces", () => {
    const contact = MyNumberCard.make({ seed: 1 })
    const contactless = MyNumberCard.make({ seed: 1, connection: "contactless" })
    for (const card of [contact, contactless]) ok(card, selectDf("kenhojo"))
    expect(verifyKey(contact, 0x0011, "1234")).toBe(verifyKey(contactless, 0x0011, "1234"))
    expect(toHex(readEf(contact, 0x0001))).toBe(toHex(readEf(contactless, 0x0001)))
  })

  it("plugs into SimTransport: a short-only link reads the auth certificate in 256-byte chunks", async () => {
    const card = MyNumberCard.make()
    const sim = SimTransport.make(card, { extendedLength: false })
    const program = Effect.gen(function* () {
      const transport = yield* CardTransport
      const exchange = (apdu: string) => transport.transmit(hex(apdu))
      yield* exchange(selectDf("jpki"))
      yield* exchange(selectEf(0x000a))
      const head = yield* exchange("00 B0 00 00 04")
      const size = ((head[2]! << 8) | head[3]!) + 4
      const parts: Array<Uint8Array> = []
      for (let offset = 0; offset < size; offset += 256) {
        const r = yield* transport.transmit(Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, 0x00))
        parts.push(r.subarray(0, r.length - 2))
      }
      return concat(...parts)
    })
    const der = await Effect.runPromise(Effect.provide(program, sim.layer))
    expect(toHex(der)).toBe(toHex(Fixtures.myNumberJpkiAuthCertDer))
    expect(sim.stats().apdus).toBe(3 + Math.ceil(der.length / 256))
  })
})

describe("options", () => {
  it("does not quote a rejected birth date or expiry: they make up 照合番号B and the 生年月日 key", () => {
    expect(() => MyNumberCard.make({ holder: { birthDate: "19850230" } })).toThrow(
      /^holder\.birthDate: not a calendar date$/
    )
    expect(() => MyNumberCard.make({ holder: { birthDate: "1985041" } })).toThrow(
      /^holder\.birthDate: expected YYYYMMDD$/
    )
    expect(() => MyNumberCard.make({ holder: { expiry: "20351301" } })).toThrow(/^holder\.expiry: not a calendar date$/)
    expect(() => MyNumberCard.make({ holder: { birthDate: "18680124" } })).toThrow(
      /^birth date: before 明治 \(1868-01-25\)$/
    )
  })

  it("validates holder data, PINs and counters with a RangeError naming the field", () => {
    expect(() => MyNumberCard.make({ holder: { myNumber: "123456789012" } })).toThrow(/holder.myNumber/)
    expect(() => MyNumberCard.make({ holder: { birthDate: "19850230" } })).toThrow(/birthDate/)
    expect(() => MyNumberCard.make({ holder: { birthDate: "18680124" } })).toThrow(/明治/)
    expect(() => MyNumberCard.make({ holder: { securityCode: "12345" } })).toThrow(/securityCode/)
    expect(() => MyNumberCard.make({ holder: { serialNumber: "1" } })).toThrow(/serialNumber/)
    expect(() => MyNumberCard.make({ pins: { jpkiAuth: "12345" } })).toThrow(/pins.jpkiAuth/)
    expect(() => MyNumberCard.make({ pins: { jpkiSign: "abc123" } })).toThrow(/pins.jpkiSign/)
    expect(() => MyNumberCard.make({ pins: { jpkiSign: "ABCDEF" } })).toThrow(/pins.jpkiSign/)
    expect(() => MyNumberCard.make({ triesLeft: { jpkiAuthPin: 4 } })).toThrow(/triesLeft.jpkiAuthPin/)
    expect(() => MyNumberCard.make({ triesLeft: { kenhojoA: -1 } })).toThrow(/triesLeft.kenhojoA/)
  })

  it("randoms: every entry must be a length the card draws (1–256 bytes), checked by make", () => {
    expect(() => MyNumberCard.make({ randoms: [hex("01 02"), new Uint8Array(0)] })).toThrow(
      /^randoms\[1\]: expected 1–256 bytes \(a GET CHALLENGE draws Le bytes, 1–256; a PSS signature a 32-byte salt\), got 0 bytes$/
    )
    expect(() => MyNumberCard.make({ randoms: [new Uint8Array(257)] })).toThrow(/^randoms\[0\]: .*got 257 bytes$/)
    expect(() => MyNumberCard.make({ randoms: ["0102" as unknown as Uint8Array] })).toThrow(
      /^randoms\[0\]: expected a Uint8Array$/
    )
    expect(() =>
      MyNumberCard.make({ randoms: [new Uint8Array(1), new Uint8Array(256), new Uint8Array(32)] })
    ).not.toThrow()
  })

  it("randoms: a draw that meets an entry of another length answers 6F00, keeps the entry and says why", () => {
    const card = MyNumberCard.make({ seed: 1, randoms: [hex("01 02 03 04"), new Uint8Array(32).fill(7)] })
    expect(card.inspect().randomsMismatch).toBeUndefined()
    expect(swOf(card, "00 84 00 00 08")).toBe("6F00")
    expect(card.inspect().randomsMismatch).toBe(
      "randoms[0] has 4 bytes, but the card draws 8 bytes for a GET CHALLENGE with Le 8 here: the script does not follow the commands sent (the entry stays queued)"
    )
    // The entry is still first in line: the right Le gets it, then the next entry.
    expect(toHex(ok(card, "00 84 00 00 04"))).toBe("01020304")
    // The next draw is a PSS salt's (32 bytes); a GET CHALLENGE of 16 does not fit, nor is anything drawn.
    expect(swOf(card, "00 84 00 00 10")).toBe("6F00")
    expect(card.inspect().randomsMismatch).toMatch(/^randoms\[1\] has 32 bytes, but the card draws 16 bytes/)
    expect(toHex(ok(card, "00 84 00 00 20"))).toBe("07".repeat(32))
    // Script used up: the seed.
    expect(ok(card, "00 84 00 00 10").length).toBe(16)
  })

  it("randoms: a PSS salt that meets a GET CHALLENGE entry answers 6F00 with no signature and no throw", async () => {
    const card = MyNumberCard.make({ randoms: [hex("01 02 03 04 05 06 07 08")] })
    ok(card, selectDf("jpki"))
    expect(verifyKey(card, 0x0018, "1234")).toBe("9000")
    const sign = concat(hex("80 2A 04 97 20"), new Uint8Array(32), hex("00"))
    expect(swOf(card, sign)).toBe("6F00")
    expect(card.inspect().randomsMismatch).toMatch(
      /^randoms\[0\] has 8 bytes, but the card draws 32 bytes for a PSS salt/
    )
    // Signing without a salt (P1 00) draws nothing and works; the entry is still there for a GET CHALLENGE of 8.
    expect(ok(card, concat(hex("80 2A 00 97 20"), new Uint8Array(32), hex("00"))).length).toBe(256)
    expect(toHex(ok(card, "00 84 00 00 08"))).toBe("0102030405060708")
    // Through SimTransport: an answer the reader sees, not a defect.
    const other = MyNumberCard.make({ randoms: [hex("01 02 03 04 05 06 07 08")] })
    const answer = await Effect.runPromise(
      Effect.gen(function* () {
        const transport = yield* CardTransport
        return yield* transport.transmit(hex("00 84 00 00 04"))
      }).pipe(Effect.provide(SimTransport.make(other).layer))
    )
    expect(toHex(answer)).toBe("6F00")
  })

  it("triesLeft 0 gives a blocked key; inspect() shows the counters and the verified keys", () => {
    const card = MyNumberCard.make({ triesLeft: { kenhojoPin: 0 } })
    ok(card, selectDf("kenhojo"))
    expect(verifyKey(card, 0x0011)).toBe("63C0")
    expect(send(card, "00 20 00 80 04 31 32 33 34").swHex).toBe("6984")
    expect(verifyKey(card, 0x0014, card.verificationCodeA)).toBe("9000")
    const state = card.inspect()
    expect(state.currentDf).toBe("kenhojo")
    expect(state.currentEf).toBe(0x0014)
    expect(state.verified).toEqual(["kenhojoA"])
    expect(state.triesLeft.kenhojoPin).toBe(0)
    expect(state.triesLeft.jpkiSignPassword).toBe(5)
  })

  it("file(), records() and dataObject() expose the physical contents (copies)", () => {
    const card = MyNumberCard.make()
    const ef = card.file("kenhojo", 0x0001)!
    expect(ef.length).toBe(17)
    ef[0] = 0
    expect(card.file("kenhojo", 0x0001)![0]).toBe(0xff)
    expect(card.file("kenhojo", 0x0011)).toBeUndefined()
    expect(card.records("common", 0x0001)![0]!.length).toBe(30)
    expect(toHex(card.dataObject(0x00f0)!)).toBe(toHex(new TextEncoder().encode("13101")))
    expect(card.dataObject(0x1234)).toBeUndefined()
  })
})

describe("holder data (§6.3)", () => {
  it("era YYMMDD at the boundaries of the reference's table", () => {
    const cases: ReadonlyArray<[string, string]> = [
      ["19800217", "550217"],
      ["19261224", "151224"],
      ["19261225", "011225"],
      ["19890107", "640107"],
      ["19890108", "010108"],
      ["20190430", "310430"],
      ["20190501", "010501"],
      ["18680125", "010125"],
      ["19120729", "450729"],
      ["19120730", "010730"]
    ]
    for (const [date, expected] of cases) expect(MyNumberCard.birthDateDigits(date, "japanese"), date).toBe(expected)
    expect(MyNumberCard.birthDateDigits("19800217", "western")).toBe("800217")
    expect(MyNumberCard.birthDateDigits("20050101", "western")).toBe("050101")
    expect(MyNumberCard.eraOf("19850401")).toEqual({ era: "昭和", year: 60 })
  })

  it("MC's real-card example: born 1980-02-17, expiry 2035, code 2285 → 55021720352285", () => {
    const holder: MyNumberCard.Holder = {
      ...MyNumberCard.japaneseNational,
      birthDate: "19800217",
      expiry: "20350217",
      securityCode: "2285"
    }
    expect(MyNumberCard.verificationCodeB(holder)).toBe("55021720352285")
  })

  it("My Number check digits: both presets valid, a changed digit invalid", () => {
    expect(MyNumberCard.isValidMyNumber(MyNumberCard.japaneseNational.myNumber)).toBe(true)
    expect(MyNumberCard.isValidMyNumber(MyNumberCard.foreignResident.myNumber)).toBe(true)
    expect(MyNumberCard.isValidMyNumber("123456789019")).toBe(false)
    expect(MyNumberCard.myNumberCheckDigit("12345678901")).toBe(8)
  })
})
