import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as OfficialTable from "../src/OfficialTable.js"

// Made-up codes: the real ISA table is NOT PUBLIC (codes.md §0).
const goodCsv = `\uFEFFkind,code,ja,en,key,note
# sample table for tests
nationality,PAK,パキスタン,Pakistan,01_030,
nationality,XXA,無国籍,,07_000,

C9,T410010000,留学,Student,student,"comma, inside"
permissionType,01,在留資格変更許可,,change_of_status,
permissionType,02,"在留期間更新許可",Permission for Extension of Period of Stay,,"quote "" inside"
`

const problemsOf = (e: OfficialTable.OfficialTableError) =>
  e.problems.map((p) => [p.line ?? p.path, p.message] as const)

describe("OfficialTable.parseCsv", () => {
  it.effect("reads a good file (BOM, comments, blank lines, quotes, aliases, extra columns)", () =>
    Effect.gen(function* () {
      const table = yield* OfficialTable.parseCsv(goodCsv)
      assert.deepStrictEqual(table.entries, [
        { kind: "nationality", code: "PAK", ja: "パキスタン", en: "Pakistan", key: "01_030", at: "line 3" },
        { kind: "nationality", code: "XXA", ja: "無国籍", key: "07_000", at: "line 4" },
        { kind: "statusOfResidence", code: "T410010000", ja: "留学", en: "Student", key: "student", at: "line 6" },
        { kind: "permissionType", code: "01", ja: "在留資格変更許可", key: "change_of_status", at: "line 7" },
        {
          kind: "permissionType",
          code: "02",
          ja: "在留期間更新許可",
          en: "Permission for Extension of Period of Stay",
          at: "line 8"
        }
      ])
    })
  )

  it.effect("accepts bytes, CRLF line ends and any column order; normalises nationality keys", () =>
    Effect.gen(function* () {
      const text = "code,ja,kind,key\r\nVNM,ベトナム,C8,VNM\r\n704,ベトナム,C8,vn\r\n"
      const table = yield* OfficialTable.parseCsv(new TextEncoder().encode(text))
      assert.deepStrictEqual(
        table.entries.map((e) => [e.code, e.key, e.at]),
        [
          ["VNM", "01_037", "line 2"],
          ["704", "01_037", "line 3"]
        ]
      )
    })
  )

  it.effect(
    "rows of empty cells (a spreadsheet's blank rows, before the header too) are skipped like blank lines",
    () =>
      Effect.gen(function* () {
        const csv = ',,,\nkind,code,ja,en\n,,,\n"", ,\t,\nnationality,PAK,パキスタン,Pakistan\n,,,\n'
        const table = yield* OfficialTable.parseCsv(csv)
        assert.deepStrictEqual(
          table.entries.map((e) => [e.code, e.at]),
          [["PAK", "line 5"]]
        )
        const onlyBlank = yield* Effect.flip(OfficialTable.parseCsv(",,\n,,\n"))
        assert.deepStrictEqual(problemsOf(onlyBlank), [
          [undefined, 'the file is empty: it needs a header line "kind,code,ja,en,key" and entries']
        ])
        const partly = yield* Effect.flip(OfficialTable.parseCsv("kind,code,ja\n,PAK,\n"))
        assert.strictEqual(problemsOf(partly).length, 2, "a row with any cell filled is still an entry to check")
      })
  )

  it.effect("a malformed line is reported with its line number", () =>
    Effect.gen(function* () {
      const csv = "kind,code,ja\nnationality,PAK,パキスタン\n\nnationality,ABCD,長すぎる\n"
      const error = yield* Effect.flip(OfficialTable.parseCsv(csv))
      assert.strictEqual(error._tag, "OfficialTableError")
      assert.strictEqual(error.format, "csv")
      assert.deepStrictEqual(problemsOf(error), [
        [4, 'column code: the code "ABCD" is 4 bytes; a nationality code (C8) has at most 3']
      ])
      assert.include(error.message, "line 4: column code")
      assert.include(error.message, 'a header line "kind,code,ja,en,key"')
    })
  )

  it.effect("a duplicate code names both lines", () =>
    Effect.gen(function* () {
      const csv = "kind,code,ja\nstatusOfResidence,A1,留学\npermissionType,A1,上陸許可\nstatusOfResidence,A1,研修\n"
      const error = yield* Effect.flip(OfficialTable.parseCsv(csv))
      assert.deepStrictEqual(problemsOf(error), [
        [4, 'duplicate statusOfResidence code "A1" (first defined at line 2)']
      ])
    })
  )

  it.effect("a wrong kind lists the accepted kinds", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        OfficialTable.parseCsv("kind,code,ja\ncountry,PAK,パキスタン\nconstructor,X,x\n")
      )
      assert.include(error.problems[1]?.message ?? "", 'unknown kind "constructor"')
      assert.strictEqual(error.problems[0]?.line, 2)
      assert.include(error.problems[0]?.message ?? "", 'unknown kind "country"')
      assert.include(
        error.problems[0]?.message ?? "",
        "nationality (or C8), statusOfResidence (or C9) or permissionType (or CA)"
      )
    })
  )

  it.effect("reports every problem in file order", () =>
    Effect.gen(function* () {
      const csv = [
        "kind,code,ja,en,key",
        "nationality,,名前なし",
        "statusOfResidence,S1,留学,,studnt",
        'permissionType,"01"x,上陸許可',
        "permissionType,02,上陸許可,a,b,c",
        "nationality,KOR,"
      ].join("\n")
      const error = yield* Effect.flip(OfficialTable.parseCsv(csv))
      assert.deepStrictEqual(
        error.problems.map((p) => p.line),
        [2, 3, 4, 5, 6]
      )
      assert.include(error.problems[0]!.message, "the code is empty")
      assert.include(error.problems[1]!.message, 'unknown statusOfResidence key "studnt"')
      assert.include(error.problems[2]!.message, "after a closing quote")
      assert.include(error.problems[3]!.message, "6 fields but the header has 5")
      assert.include(error.problems[4]!.message, "the Japanese name (ja) is empty")
    })
  )

  it.effect("a bad header, an empty file, an unterminated quote", () =>
    Effect.gen(function* () {
      const noHeader = yield* Effect.flip(OfficialTable.parseCsv("nationality,PAK,パキスタン\n"))
      assert.strictEqual(noHeader.problems[0]?.line, 1)
      assert.include(noHeader.problems[0]?.message ?? "", "the header must name the columns kind, code and ja")
      const empty = yield* Effect.flip(OfficialTable.parseCsv("# nothing\n\n"))
      assert.include(empty.problems[0]?.message ?? "", "the file is empty")
      const headerOnly = yield* Effect.flip(OfficialTable.parseCsv("kind,code,ja\n"))
      assert.include(headerOnly.problems[0]?.message ?? "", "no entries")
      const open = yield* Effect.flip(OfficialTable.parseCsv('kind,code,ja\nnationality,PAK,"パキスタン\n'))
      assert.strictEqual(open.problems[0]?.line, 2)
      assert.include(open.problems[0]?.message ?? "", "never closed")
    })
  )

  it.effect("invalid UTF-8 bytes suggest an encoding; Shift_JIS can be read", () =>
    Effect.gen(function* () {
      // "kind,code,ja\nC8,PAK," + パキスタン in Shift_JIS
      const sjis = Uint8Array.of(
        ...new TextEncoder().encode("kind,code,ja\nC8,PAK,"),
        0x83,
        0x70,
        0x83,
        0x4c,
        0x83,
        0x58,
        0x83,
        0x5e,
        0x83,
        0x93
      )
      const error = yield* Effect.flip(OfficialTable.parseCsv(sjis))
      assert.include(error.message, "shift_jis")
      const table = yield* OfficialTable.parseCsv(sjis, { encoding: "shift_jis" })
      assert.strictEqual(table.entries[0]?.ja, "パキスタン")
    })
  )
})

describe("OfficialTable.parseJson", () => {
  it.effect("reads an object with metadata and an array", () =>
    Effect.gen(function* () {
      const json = JSON.stringify({
        source: "ISA コード対応表",
        version: "2026-04",
        entries: [
          { kind: "nationality", code: "PAK", ja: "パキスタン", en: "Pakistan", key: "01_030" },
          { kind: "CA", code: "01", ja: "上陸許可", en: null, key: null, note: "ignored" }
        ]
      })
      const table = yield* OfficialTable.parseJson(json)
      assert.strictEqual(table.description, "ISA コード対応表 2026-04")
      assert.deepStrictEqual(table.entries, [
        { kind: "nationality", code: "PAK", ja: "パキスタン", en: "Pakistan", key: "01_030", at: "entries[0]" },
        { kind: "permissionType", code: "01", ja: "上陸許可", at: "entries[1]" }
      ])
      const bare = yield* OfficialTable.parseJson('[{ "kind": "C9", "code": "T1", "ja": "留学" }]')
      assert.strictEqual(bare.entries[0]?.at, "[0]")
      assert.isUndefined(bare.description)
    })
  )

  it.effect("a malformed entry is reported with its path", () =>
    Effect.gen(function* () {
      const json = JSON.stringify({
        entries: [
          { kind: "nationality", code: "PAK", ja: "パキスタン" },
          { kind: "nationality", code: "PAKI", ja: "パキスタン" },
          { kind: 8, code: "X", ja: "x" },
          { kind: "permissionType", code: "01" },
          "not an object"
        ]
      })
      const error = yield* Effect.flip(OfficialTable.parseJson(json))
      assert.strictEqual(error.format, "json")
      assert.deepStrictEqual(
        error.problems.map((p) => p.path),
        ["entries[1].code", "entries[2].kind", "entries[3].ja", "entries[4]"]
      )
      assert.include(error.problems[0]!.message, "at most 3")
      assert.include(error.message, "entries[1].code:")
    })
  )

  it.effect("duplicate codes and wrong kinds", () =>
    Effect.gen(function* () {
      const json = JSON.stringify([
        { kind: "C8", code: "PAK", ja: "パキスタン" },
        { kind: "nationality", code: "PAK", ja: "パキスタン" },
        { kind: "region", code: "TWN", ja: "台湾" }
      ])
      const error = yield* Effect.flip(OfficialTable.parseJson(json))
      assert.deepStrictEqual(problemsOf(error), [
        ["[1]", 'duplicate nationality code "PAK" (first defined at [0])'],
        [
          "[2].kind",
          'unknown kind "region"; use nationality (or C8), statusOfResidence (or C9) or permissionType (or CA)'
        ]
      ])
    })
  )

  it.effect("not JSON, or the wrong shape", () =>
    Effect.gen(function* () {
      const syntax = yield* Effect.flip(OfficialTable.parseJson("{ entries: [] "))
      assert.include(syntax.problems[0]?.message ?? "", "not valid JSON")
      const shape = yield* Effect.flip(OfficialTable.parseJson('{ "rows": [] }'))
      assert.include(shape.problems[0]?.message ?? "", 'an object with an "entries" array')
    })
  )
})

describe("OfficialTable.fromEntries", () => {
  it.effect("validates entries built in code", () =>
    Effect.gen(function* () {
      const table = yield* OfficialTable.fromEntries([{ kind: "statusOfResidence", code: "T1", ja: "留学" }], "test")
      assert.strictEqual(table.description, "test")
      const error = yield* Effect.flip(
        OfficialTable.fromEntries([{ kind: "statusOfResidence", code: " T1", ja: "留学" }])
      )
      assert.strictEqual(error.problems[0]?.path, "[0].code")
      assert.include(error.problems[0]?.message ?? "", "leading or trailing spaces")
    })
  )
})
