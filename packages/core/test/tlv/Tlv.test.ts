// BER-TLV as the residence card (SPEC1 §3.2.3.1, SPEC2 §3.2.3.1) and the My Number card use it, with the byte
// strings of their files, ICAO Doc 9303 DG1, and hand-derived error cases.
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Result, Schema } from "effect"
import { ascii, concat, fromHex, toHex } from "../../src/Bytes.js"
import * as Tlv from "../../src/tlv/Tlv.js"

const hex = (s: string) => toHex(fromHex(s))
const filled = (n: number, fill: number) => new Uint8Array(n).fill(fill)

const ok = (result: Result.Result<ReadonlyArray<Tlv.Tlv>, Tlv.TlvError>): ReadonlyArray<Tlv.Tlv> => {
  if (Result.isFailure(result)) assert.fail(`unexpected ${result.failure.reason} at ${result.failure.offset}`)
  return result.success
}
const okAt = (result: Result.Result<Tlv.Tlv, Tlv.TlvError>): Tlv.Tlv => {
  if (Result.isFailure(result)) assert.fail(`unexpected ${result.failure.reason} at ${result.failure.offset}`)
  return result.success
}
const error = (result: Result.Result<unknown, Tlv.TlvError>): { reason: Tlv.TlvErrorReason; offset: number } => {
  if (Result.isSuccess(result)) assert.fail("expected a TlvError")
  return { reason: result.failure.reason, offset: result.failure.offset }
}
const shape = (tlvs: ReadonlyArray<Tlv.Tlv>) =>
  tlvs.map((t) => ({ tag: t.tag, constructed: t.constructed, value: toHex(t.value), start: t.start, end: t.end }))

describe("Tlv.decodeAt: tags", () => {
  it("one-byte tags, primitive and constructed", () => {
    const d0 = okAt(Tlv.decodeAt(fromHex("D0 03 01 02 03"), 0))
    assert.deepStrictEqual(shape([d0]), [{ tag: 0xd0, constructed: false, value: "010203", start: 0, end: 5 }])
    const a1 = okAt(Tlv.decodeAt(fromHex("A1 02 90 00"), 0))
    assert.strictEqual(a1.tag, 0xa1)
    assert.isTrue(a1.constructed)
  })

  it("DF D1: the residence card's two-byte tag whose second byte has b8 set (gen 2 DF1/EF04)", () => {
    const file = concat(fromHex("DF D1 82 09 C4"), filled(2500, 0x4d))
    assert.strictEqual(file.length, 2505)
    const t = okAt(Tlv.decodeAt(file, 0))
    assert.strictEqual(t.tag, 0xdfd1)
    assert.isFalse(t.constructed)
    assert.strictEqual(t.value.length, 2500)
    assert.strictEqual(t.end, 2505)
  })

  it("5F 1F inside 61: ICAO Doc 9303 DG1 with the TD3 specimen MRZ", () => {
    const mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    assert.strictEqual(mrz.length, 88)
    const dg1 = concat(fromHex("61 5B 5F 1F 58"), ascii(mrz))
    const [outer] = ok(Tlv.decodeAllResult(dg1))
    assert.strictEqual(outer!.tag, 0x61)
    assert.isTrue(outer!.constructed)
    const [inner] = ok(Tlv.decodeAllResult(outer!.value))
    assert.strictEqual(inner!.tag, 0x5f1f)
    assert.isFalse(inner!.constructed)
    assert.strictEqual(new TextDecoder().decode(inner!.value), mrz)
  })

  it("7F 21: a My Number card CVC with nested 5F 4E and 5F 37", () => {
    const body = concat(fromHex("5F 4E 82 01 29"), filled(297, 0x11), fromHex("5F 37 82 01 00"), filled(256, 0x22))
    const cvc = concat(fromHex("7F 21 82 02 33"), body)
    assert.strictEqual(body.length, 0x233)
    const [outer] = ok(Tlv.decodeAllResult(cvc))
    assert.strictEqual(outer!.tag, 0x7f21)
    assert.isTrue(outer!.constructed)
    const inner = ok(Tlv.decodeAllResult(outer!.value))
    assert.deepStrictEqual(
      inner.map((t) => [t.tag, t.value.length, t.start, t.end]),
      [
        [0x5f4e, 297, 0, 302],
        [0x5f37, 256, 302, 563]
      ]
    )
  })

  it("a three-byte BER tag is read as a two-byte tag (the cards' profile)", () => {
    const t = okAt(Tlv.decodeAt(fromHex("DF 81 01 AA"), 0))
    assert.strictEqual(t.tag, 0xdf81)
    assert.strictEqual(toHex(t.value), "AA")
  })

  it("decodes at an offset inside the input", () => {
    const t = okAt(Tlv.decodeAt(fromHex("D7 01 31 C1 01 32"), 3))
    assert.deepStrictEqual(shape([t]), [{ tag: 0xc1, constructed: false, value: "32", start: 3, end: 6 }])
  })
})

describe("Tlv.decodeAt: lengths", () => {
  it("short lengths 00 and 7F", () => {
    assert.strictEqual(okAt(Tlv.decodeAt(fromHex("C0 00"), 0)).value.length, 0)
    assert.strictEqual(okAt(Tlv.decodeAt(concat(fromHex("D5 7F"), filled(127, 1)), 0)).value.length, 127)
  })

  it("81 xx: 81 80 and 81 FF, and the non-minimal 81 05", () => {
    assert.strictEqual(okAt(Tlv.decodeAt(concat(fromHex("D4 81 80"), filled(128, 1)), 0)).value.length, 128)
    assert.strictEqual(okAt(Tlv.decodeAt(concat(fromHex("D4 81 FF"), filled(255, 1)), 0)).end, 258)
    assert.strictEqual(toHex(okAt(Tlv.decodeAt(fromHex("D4 81 05 01 02 03 04 05"), 0)).value), "0102030405")
  })

  it("82 xx xx: the gen 1 front image D0 82 1B 58 (7000 bytes)", () => {
    const t = okAt(Tlv.decodeAt(concat(fromHex("D0 82 1B 58"), filled(7000, 0x49)), 0))
    assert.strictEqual(t.tag, 0xd0)
    assert.strictEqual(t.value.length, 7000)
    assert.strictEqual(t.end, 7004)
  })

  it("83 xx xx xx and 84 xx xx xx xx", () => {
    const big = concat(fromHex("C0 83 01 00 00"), filled(65536, 7))
    assert.strictEqual(okAt(Tlv.decodeAt(big, 0)).value.length, 65536)
    assert.strictEqual(toHex(okAt(Tlv.decodeAt(fromHex("C0 84 00 00 00 02 AB CD"), 0)).value), "ABCD")
  })

  it("the value is a view of the input, not a copy", () => {
    const input = fromHex("C0 02 AB CD")
    const t = okAt(Tlv.decodeAt(input, 0))
    assert.strictEqual(t.value.buffer, input.buffer)
    assert.strictEqual(t.value.byteOffset, input.byteOffset + 2)
  })
})

describe("Tlv errors carry their reason and offset", () => {
  const cases: ReadonlyArray<readonly [string, string, number, Tlv.TlvErrorReason, number]> = [
    ["empty input", "", 0, "TruncatedTag", 0],
    ["a two-byte tag cut after its first byte", "5F", 0, "TruncatedTag", 0],
    ["a tag cut at the end of a sequence", "D0 01 AA 7F", 3, "TruncatedTag", 3],
    ["no length byte", "D0", 0, "TruncatedLength", 1],
    ["no length byte after a two-byte tag", "DF D1", 0, "TruncatedLength", 2],
    ["81 without its byte", "D0 81", 0, "TruncatedLength", 1],
    ["82 with one of two bytes", "D0 82 01", 0, "TruncatedLength", 1],
    ["84 with three of four bytes", "7F 21 84 00 00 01", 0, "TruncatedLength", 2],
    ["indefinite length 80", "7F 21 80 5F 4E 00 00 00", 0, "IndefiniteLength", 2],
    ["length field 85 (5 bytes)", "D0 85 00 00 00 00 01 AA", 0, "LengthTooLong", 1],
    ["length field FF", "D0 FF", 0, "LengthTooLong", 1],
    ["value past the end", "D0 03 01 02", 0, "TruncatedValue", 2],
    ["82 value past the end", "D0 82 1B 58 00 00", 0, "TruncatedValue", 4],
    ["84 FF FF FF FF value past the end", "D0 84 FF FF FF FF 00", 0, "TruncatedValue", 6]
  ]
  for (const [name, input, at, reason, offset] of cases)
    it(`${reason}: ${name}`, () => {
      assert.deepStrictEqual(error(Tlv.decodeAt(fromHex(input), at)), { reason, offset })
    })

  it("decodeAllResult reports the first error with its absolute offset", () => {
    assert.deepStrictEqual(error(Tlv.decodeAllResult(fromHex("C0 01 AA C1 05 BB"))), {
      reason: "TruncatedValue",
      offset: 5
    })
    assert.deepStrictEqual(error(Tlv.decodeAllResult(fromHex("C0 01 AA DF"))), { reason: "TruncatedTag", offset: 3 })
  })

  it("the message names the byte and explains the reason without any data", () => {
    const e = Tlv.decodeAllResult(fromHex("D0 03 31 32"))
    assert.isTrue(Result.isFailure(e))
    if (Result.isFailure(e)) {
      assert.strictEqual(e.failure._tag, "TlvError")
      assert.strictEqual(e.failure.message, "malformed BER-TLV at byte 2: a value runs past the end of the data")
    }
  })

  it.effect("decodeAll fails with the TlvError", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(Tlv.decodeAll(fromHex("D0 80")))
      assert.strictEqual(e.reason, "IndefiniteLength")
      assert.strictEqual(e.offset, 1)
      const tlvs = yield* Tlv.decodeAll(fromHex("C0 04 30 30 30 31"))
      assert.strictEqual(tlvs.length, 1)
    })
  )
})

describe("Tlv.decodeAllResult: sequences and trailing bytes", () => {
  const gen2Ef01 = concat(fromHex("DC 60"), filled(96, 0x5a), fromHex("DD 82 02 56"), filled(598, 0x30), filled(4, 0))

  it("the empty input is an empty sequence", () => {
    assert.deepStrictEqual(ok(Tlv.decodeAllResult(new Uint8Array(0))), [])
  })

  it("concatenated objects: gen 1 DF2/EF01 address (D2, D3, D4 = 342 bytes)", () => {
    const file = concat(
      fromHex("D2 08"),
      ascii("20120310"),
      fromHex("D3 06"),
      ascii("131016"),
      fromHex("D4 82 01 40"),
      filled(320, 0)
    )
    assert.strictEqual(file.length, 342)
    const tlvs = ok(Tlv.decodeAllResult(file))
    assert.deepStrictEqual(
      tlvs.map((t) => [t.tag, t.start, t.end]),
      [
        [0xd2, 0, 10],
        [0xd3, 10, 18],
        [0xd4, 18, 342]
      ]
    )
    assert.strictEqual(Tlv.find(tlvs, 0xd3) && new TextDecoder().decode(Tlv.find(tlvs, 0xd3)!.value), "131016")
    assert.isUndefined(Tlv.find(tlvs, 0xd5))
  })

  it("trailing 'none' (default): zero padding is decoded as tag 00 objects, and a lone 00 is an error", () => {
    assert.deepStrictEqual(
      ok(Tlv.decodeAllResult(fromHex("D7 01 31 00 00"))).map((t) => t.tag),
      [0xd7, 0x00]
    )
    assert.deepStrictEqual(error(Tlv.decodeAllResult(fromHex("D7 01 31 00"))), { reason: "TruncatedLength", offset: 4 })
  })

  it("trailing 'zeros': gen 2 DF3/EF01 signature file, 00-padded to 704 bytes", () => {
    assert.strictEqual(gen2Ef01.length, 704)
    const tlvs = ok(Tlv.decodeAllResult(gen2Ef01, { trailing: "zeros" }))
    assert.deepStrictEqual(
      tlvs.map((t) => [t.tag, t.value.length]),
      [
        [0xdc, 96],
        [0xdd, 598]
      ]
    )
    // Without the option the padding reads as two empty objects with tag 00.
    assert.deepStrictEqual(
      ok(Tlv.decodeAllResult(gen2Ef01)).map((t) => t.tag),
      [0xdc, 0xdd, 0x00, 0x00]
    )
  })

  it("trailing 'zeros': cards issued under 16 (DA 00 DB 00 + zeros, DA 00 + zeros, all zeros)", () => {
    const a = concat(fromHex("DA 00 DB 00"), filled(1460, 0))
    assert.deepStrictEqual(
      ok(Tlv.decodeAllResult(a, { trailing: "zeros" })).map((t) => [t.tag, t.value.length]),
      [
        [0xda, 0],
        [0xdb, 0]
      ]
    )
    const b = concat(fromHex("DA 00"), filled(1462, 0))
    assert.strictEqual(ok(Tlv.decodeAllResult(b, { trailing: "zeros" })).length, 1)
    assert.deepStrictEqual(ok(Tlv.decodeAllResult(filled(1464, 0), { trailing: "zeros" })), [])
  })

  it("trailing 'zeros' does not accept FF", () => {
    assert.deepStrictEqual(error(Tlv.decodeAllResult(fromHex("D7 01 31 FF FF"), { trailing: "zeros" })), {
      reason: "TruncatedLength",
      offset: 5
    })
  })

  it("TrailingData: garbage after zero padding, at the first unexpected byte", () => {
    assert.deepStrictEqual(error(Tlv.decodeAllResult(fromHex("D7 01 31 00 00 12 00"), { trailing: "zeros" })), {
      reason: "TrailingData",
      offset: 5
    })
    assert.deepStrictEqual(error(Tlv.decodeAllResult(fromHex("D7 01 31 00 D7 01 31"), { trailing: "zeros" })), {
      reason: "TrailingData",
      offset: 4
    })
    assert.deepStrictEqual(error(Tlv.decodeAllResult(fromHex("D7 01 31 00 FF"), { trailing: "zeros" })), {
      reason: "TrailingData",
      offset: 4
    })
  })

  it("trailing 'filler': My Number kenhojo EF0001, FF 10 0C + 12 digits + FF FF", () => {
    const file = concat(fromHex("FF 10 0C"), ascii("537686677188"), fromHex("FF FF"))
    assert.strictEqual(file.length, 17)
    const tlvs = ok(Tlv.decodeAllResult(file, { trailing: "filler" }))
    assert.deepStrictEqual(shape(tlvs), [
      { tag: 0xff10, constructed: true, value: toHex(ascii("537686677188")), start: 0, end: 15 }
    ])
  })

  it("trailing 'filler': My Number kenhojo EF0002 (FF 20 65, DF 21 offsets match the inner objects)", () => {
    const inner = concat(
      fromHex("DF 21 08 00 0E 00 20 00 59 00 64"),
      fromHex("DF 22 0F"),
      filled(15, 0xe3),
      fromHex("DF 23 36"),
      filled(54, 0xe6),
      fromHex("DF 24 08"),
      ascii("19800217"),
      fromHex("DF 25 01 31")
    )
    const file = concat(fromHex("FF 20 65"), inner, filled(20, 0xff))
    const [record, ...rest] = ok(Tlv.decodeAllResult(file, { trailing: "filler" }))
    assert.strictEqual(rest.length, 0)
    assert.strictEqual(record!.tag, 0xff20)
    assert.strictEqual(record!.end, 104)
    const fields = ok(Tlv.decodeAllResult(record!.value))
    assert.deepStrictEqual(
      fields.map((t) => t.tag),
      [0xdf21, 0xdf22, 0xdf23, 0xdf24, 0xdf25]
    )
    const offsets = fields[0]!.value
    for (let k = 0; k < 4; k++)
      assert.strictEqual(3 + fields[k + 1]!.start, (offsets[2 * k]! << 8) | offsets[2 * k + 1]!, `DF2${k + 2}`)
  })

  it("trailing 'filler': FF and 00 mixed, an all-FF file, a lone final FF", () => {
    assert.strictEqual(ok(Tlv.decodeAllResult(fromHex("C0 01 31 FF 00 FF FF 00"), { trailing: "filler" })).length, 1)
    assert.deepStrictEqual(ok(Tlv.decodeAllResult(filled(256, 0xff), { trailing: "filler" })), [])
    assert.strictEqual(ok(Tlv.decodeAllResult(fromHex("C0 01 31 FF"), { trailing: "filler" })).length, 1)
    assert.strictEqual(ok(Tlv.decodeAllResult(fromHex("C0 01 31 00"), { trailing: "filler" })).length, 1)
  })

  it("trailing 'filler': garbage after the filler is TrailingData at the first unexpected byte", () => {
    assert.deepStrictEqual(error(Tlv.decodeAllResult(fromHex("C0 01 31 FF FF 12"), { trailing: "filler" })), {
      reason: "TrailingData",
      offset: 5
    })
    assert.deepStrictEqual(error(Tlv.decodeAllResult(fromHex("C0 01 31 00 FF C0 01 31"), { trailing: "filler" })), {
      reason: "TrailingData",
      offset: 5
    })
  })
})

describe("Tlv.encode", () => {
  it("one- and two-byte tags with the shortest length field", () => {
    assert.strictEqual(toHex(Tlv.encode(0xc0, ascii("0001"))), hex("C0 04 30 30 30 31"))
    assert.strictEqual(toHex(Tlv.encode(0x96, fromHex("0000"))), hex("96 02 00 00"))
    assert.strictEqual(toHex(Tlv.encode(0xdfd1, fromHex("AB"))), hex("DF D1 01 AB"))
    assert.strictEqual(toHex(Tlv.encode(0x5f1f, new Uint8Array(0))), hex("5F 1F 00"))
    assert.strictEqual(toHex(Tlv.encode(0xff10, ascii("1"))), hex("FF 10 01 31"))
    assert.strictEqual(toHex(Tlv.encode(0x7f21, filled(0x233, 0)).subarray(0, 5)), hex("7F 21 82 02 33"))
    assert.strictEqual(toHex(Tlv.encode(0x86, filled(0x1b61, 0)).subarray(0, 4)), hex("86 82 1B 61"))
  })

  it("encodeLength: 1, 2, 3, 4 and 5 bytes at each boundary", () => {
    const cases: ReadonlyArray<readonly [number, string]> = [
      [0, "00"],
      [0x7f, "7F"],
      [0x80, "81 80"],
      [0xff, "81 FF"],
      [0x100, "82 01 00"],
      [0xffff, "82 FF FF"],
      [0x10000, "83 01 00 00"],
      [0xffffff, "83 FF FF FF"],
      [0x1000000, "84 01 00 00 00"],
      [0xffffffff, "84 FF FF FF FF"]
    ]
    for (const [length, bytes] of cases)
      assert.strictEqual(toHex(Uint8Array.from(Tlv.encodeLength(length))), hex(bytes))
  })

  it("rejects lengths and tags it cannot encode, or that would decode differently", () => {
    assert.throws(() => Tlv.encodeLength(-1), RangeError)
    assert.throws(() => Tlv.encodeLength(1.5), RangeError)
    assert.throws(() => Tlv.encodeLength(0x100000000), RangeError)
    for (const tag of [-1, 0.5, 0x1f, 0x5f, 0xff, 0x10000, 0xdf8101, 0xd001, 0x0101])
      assert.throws(() => Tlv.encode(tag, new Uint8Array(0)), RangeError, undefined, tag.toString(16))
  })

  it("round trip: the residence card's objects", () => {
    const objects: ReadonlyArray<readonly [number, Uint8Array]> = [
      [0xc0, ascii("0001")],
      [0xc1, ascii("1")],
      [0xd0, filled(7000, 0x49)],
      [0xdfd1, filled(2500, 0x4d)],
      [0x86, concat(Uint8Array.of(1), filled(16, 0xee))],
      [0x7f21, filled(0x233, 0x21)],
      [0xd4, filled(320, 0)]
    ]
    const encoded = concat(...objects.map(([tag, value]) => Tlv.encode(tag, value)))
    const decoded = ok(Tlv.decodeAllResult(encoded))
    assert.deepStrictEqual(
      decoded.map((t) => [t.tag, toHex(t.value)]),
      objects.map(([tag, value]) => [tag, toHex(value)])
    )
  })
})

// Property tests with effect's own Arbitrary engine (effect 4 has no FastCheck re-export; @effect/vitest's it.prop
// runs Arbitrary and Schema inputs).
const byte = Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 255 })))
const byteArray = (maxLength: number) =>
  Arbitrary.array(byte, { maxLength }).pipe(Arbitrary.map((b) => Uint8Array.from(b)))

/** A tag that encode accepts: one byte not ending in 11111, or xxx11111 followed by any byte. */
const validTag = Arbitrary.all([byte, byte, Arbitrary.schema(Schema.Boolean)]).pipe(
  Arbitrary.map(([a, b, twoBytes]) => (twoBytes ? ((a | 0x1f) << 8) | b : (a & 0x1f) === 0x1f ? a & 0xfe : a))
)
const tlvList = Arbitrary.array(Arbitrary.all({ tag: validTag, value: byteArray(400) }), { maxLength: 8 })

const checkBounds = (input: Uint8Array, tlvs: ReadonlyArray<Tlv.Tlv>) => {
  let previousEnd = 0
  for (const t of tlvs) {
    assert.strictEqual(t.start, previousEnd, "objects are contiguous")
    assert.isTrue(t.end <= input.length, "ends within the input")
    assert.isTrue(t.end - t.value.length >= t.start + 2, "header of at least 2 bytes")
    assert.strictEqual(t.value.buffer, input.buffer)
    assert.strictEqual(t.value.byteOffset - input.byteOffset, t.end - t.value.length, "value lies just before end")
    previousEnd = t.end
  }
  return previousEnd
}

describe("Tlv properties", () => {
  it.prop(
    "decodeAllResult never throws on random bytes; every object lies within bounds; an error offset lies within the input",
    [byteArray(96), Arbitrary.schema(Schema.Literals(["none", "zeros", "filler"]))],
    ([input, trailing]) => {
      const result = Tlv.decodeAllResult(input, { trailing })
      if (Result.isSuccess(result)) {
        const end = checkBounds(input, result.success)
        for (let k = end; k < input.length; k++)
          assert.isTrue(trailing !== "none" && (input[k] === 0 || input[k] === 0xff))
      } else {
        assert.isTrue(result.failure.offset >= 0 && result.failure.offset <= input.length)
      }
    },
    { arbitrary: { runs: 1000, size: 96 } }
  )

  it.prop(
    "decodeAt never throws at any offset of random bytes",
    [byteArray(48)],
    ([input]) => {
      for (let offset = 0; offset <= input.length; offset++) {
        const r = Tlv.decodeAt(input, offset)
        if (Result.isSuccess(r)) {
          assert.strictEqual(r.success.start, offset)
          assert.isTrue(r.success.end <= input.length)
        } else assert.isTrue(r.failure.offset >= offset && r.failure.offset <= input.length)
      }
    },
    { arbitrary: { runs: 300, size: 48 } }
  )

  it.prop(
    "encode then decode is the identity for lists of valid objects",
    [tlvList],
    ([list]) => {
      const encoded = concat(...list.map(({ tag, value }) => Tlv.encode(tag, value)))
      const decoded = ok(Tlv.decodeAllResult(encoded))
      assert.strictEqual(checkBounds(encoded, decoded), encoded.length)
      assert.deepStrictEqual(
        decoded.map((t) => ({ tag: t.tag, value: toHex(t.value), constructed: t.constructed })),
        list.map(({ tag, value }) => ({
          tag,
          value: toHex(value),
          constructed: ((tag > 0xff ? tag >> 8 : tag) & 0x20) !== 0
        }))
      )
    },
    { arbitrary: { runs: 200, size: 400 } }
  )

  it.prop(
    "with filler after it, a list decodes the same in 'filler' mode (when no object starts with 00, FF 00 or FF FF)",
    [tlvList, Arbitrary.array(Arbitrary.schema(Schema.Literals([0x00, 0xff])), { maxLength: 32 })],
    ([list, filler]) => {
      const objects = list.filter(({ tag }) => tag !== 0x00 && tag !== 0xff00 && tag !== 0xffff)
      const encoded = concat(...objects.map(({ tag, value }) => Tlv.encode(tag, value)), Uint8Array.from(filler))
      const decoded = ok(Tlv.decodeAllResult(encoded, { trailing: "filler" }))
      assert.deepStrictEqual(
        decoded.map((t) => [t.tag, toHex(t.value)]),
        objects.map(({ tag, value }) => [tag, toHex(value)])
      )
    },
    { arbitrary: { runs: 200, size: 200 } }
  )
})
