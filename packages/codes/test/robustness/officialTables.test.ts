// The official-table loaders fed what users hand them: real-looking tables in every CSV and JSON shape (BOM,
// CRLF/LF/CR, quoting, comments, column order, extra columns, Shift_JIS), then the same tables mutated (truncated,
// cut, spliced, rows doubled, extra fields, huge cells, non-string cells, prototype-polluting keys) and plain
// garbage. Each load gives the whole table or an OfficialTableError whose problems say where (line or path) and
// what, never a throw and never a silently partial table.
import { Effect } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as OfficialTable from "../../src/OfficialTable.js"
import {
  assertUsefulError,
  assertValidTable,
  csvStyle,
  encodeShiftJis,
  expectedEntry,
  jsonStyle,
  lineBreaks,
  outcomeOf,
  prototypeNames,
  quote,
  type Row,
  renderCsv,
  renderJson,
  rows,
  withoutAt
} from "./harness/Tables.js"

const run = (effect: Effect.Effect<OfficialTable.OfficialTable, OfficialTable.OfficialTableError>) =>
  outcomeOf(Effect.runSyncExit(effect))

const loaded = (effect: Effect.Effect<OfficialTable.OfficialTable, OfficialTable.OfficialTableError>) => {
  const outcome = run(effect)
  if (outcome._tag === "Failure") throw new Error(`a valid table was refused:\n${outcome.error.message}`)
  return outcome.table
}

const refused = (
  effect: Effect.Effect<OfficialTable.OfficialTable, OfficialTable.OfficialTableError>,
  format: OfficialTable.OfficialTableError["format"]
) => {
  const outcome = run(effect)
  if (outcome._tag === "Success") throw new Error(`an invalid table was loaded: ${JSON.stringify(outcome.table)}`)
  assertUsefulError(outcome.error, format)
  return outcome.error
}

const utf8 = (text: string) => new TextEncoder().encode(text)

describe("valid tables load whole, in every shape", () => {
  it("CSV text and UTF-8 bytes: every entry, at the line an editor shows", () =>
    fc.assert(
      fc.property(rows, csvStyle, (table, style) => {
        const { text, lines } = renderCsv(table, style)
        const expected = table.map((r, i) => ({ ...expectedEntry(r, style.columns), at: `line ${lines[i]}` }))
        assert.deepStrictEqual(loaded(OfficialTable.parseCsv(text)).entries, expected)
        assert.deepStrictEqual(loaded(OfficialTable.parseCsv(utf8(text))).entries, expected)
        assert.deepStrictEqual(loaded(OfficialTable.parse(utf8(text), "csv", { encoding: "utf-8" })).entries, expected)
      }),
      {
        numRuns: 300,
        examples: [
          // A CR-only file (classic Mac) whose first name has a line break inside quotes: the row after it is on
          // line 4, which was reported as line 3.
          [
            [
              { kind: "nationality", kindAs: "C8", code: "PAK", ja: "パキ\rスタン" },
              { kind: "nationality", kindAs: "C8", code: "VNM", ja: "ベトナム" }
            ],
            {
              bom: false,
              lineEnds: ["\r"],
              columns: ["kind", "code", "ja"],
              upperHeader: false,
              quoteAll: false,
              extraLines: [""],
              finalLineEnd: true
            }
          ]
        ]
      }
    ))

  it("Shift_JIS bytes load with { encoding: shift_jis }, and without it are refused with a hint", () =>
    fc.assert(
      fc.property(rows, csvStyle, (table, style) => {
        const { text } = renderCsv(table, { ...style, bom: false })
        const sjis = encodeShiftJis(text)
        if (sjis === undefined) throw new Error("the test names must have a Shift_JIS encoding")
        assert.deepStrictEqual(
          withoutAt(loaded(OfficialTable.parseCsv(sjis, { encoding: "shift_jis" })).entries),
          withoutAt(loaded(OfficialTable.parseCsv(text)).entries)
        )
        let validUtf8 = true
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(sjis)
        } catch {
          validUtf8 = false
        }
        if (!validUtf8) assert.include(refused(OfficialTable.parseCsv(sjis), "csv").message, "shift_jis")
      }),
      { numRuns: 100 }
    ))

  it("JSON text and bytes (array or wrapped, nulls, own __proto__/constructor keys) load the same entries", () =>
    fc.assert(
      fc.property(rows, jsonStyle, fc.boolean(), (table, style, bom) => {
        const text = renderJson(table, style)
        const expected = table.map((r, i) => ({ ...expectedEntry(r), at: `${style.wrapped ? "entries" : ""}[${i}]` }))
        const fromText = loaded(OfficialTable.parseJson(bom ? `\uFEFF${text}` : text))
        assert.deepStrictEqual(fromText.entries, expected)
        assert.deepStrictEqual(loaded(OfficialTable.parseJson(utf8(bom ? `\uFEFF${text}` : text))).entries, expected)
        assert.strictEqual(fromText.description, style.wrapped ? "ISA コード対応表 2026-04" : undefined)
        // Own "__proto__" keys stay data: nothing reached Object.prototype.
        assert.isUndefined(({} as Record<string, unknown>).polluted)
      }),
      { numRuns: 200 }
    ))

  it("fromEntries takes the same entries", () =>
    fc.assert(
      fc.property(rows, (table) => {
        const entries = table.map((r) => ({
          kind: r.kindAs,
          code: r.code,
          ja: r.ja,
          ...(r.en === undefined ? {} : { en: r.en }),
          ...(r.key === undefined ? {} : { key: r.key.as })
        }))
        const expected = table.map((r, i) => ({ ...expectedEntry(r), at: `[${i}]` }))
        assert.deepStrictEqual(loaded(OfficialTable.fromEntries(entries as never)).entries, expected)
      }),
      { numRuns: 100 }
    ))

  it("a huge table loads whole", () => {
    const n = 20_000
    const csv = ["kind,code,ja,en,key"]
    for (let i = 0; i < n; i++) csv.push(`C9,T${String(i).padStart(9, "0")},留学,Student,student`)
    const table = loaded(OfficialTable.parseCsv(csv.join("\r\n")))
    assert.strictEqual(table.entries.length, n)
    assert.strictEqual(table.entries[n - 1]?.at, `line ${n + 1}`)
  })
})

describe("CSV and JSON agree on any cell", () => {
  /** Cells a spreadsheet or a script may leave: padding, control characters, quotes, prototype names, long text. */
  const anyCell = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: "grapheme", maxLength: 6 }),
    fc.constantFrom(...prototypeNames, " PA", "PA ", "\tPA", "P\u0000", "P\nA", "", " ", "　", '"', "C8", "C9", "CA"),
    fc.constantFrom("nationality", "statusOfResidence", "permissionType", "student", "PAK", "pk", "01_030")
  )
  const anyRow = fc.record({ kind: anyCell, code: anyCell, ja: anyCell, en: anyCell, key: anyCell })

  it("a CSV with every field quoted loads exactly what the same JSON loads, or both are refused", () =>
    fc.assert(
      fc.property(fc.array(anyRow, { minLength: 1, maxLength: 6 }), (cells) => {
        const csv = [
          "kind,code,ja,en,key",
          ...cells.map((c) => [c.kind, c.code, c.ja, c.en, c.key].map(quote).join(","))
        ]
        const fromCsv = run(OfficialTable.parseCsv(csv.join("\n")))
        const fromJson = run(OfficialTable.parseJson(JSON.stringify(cells)))
        if (fromCsv._tag === "Success") assertValidTable(fromCsv.table)
        else assertUsefulError(fromCsv.error, "csv")
        if (fromJson._tag === "Success") assertValidTable(fromJson.table)
        else assertUsefulError(fromJson.error, "json")
        assert.strictEqual(fromCsv._tag, fromJson._tag)
        if (fromCsv._tag === "Success" && fromJson._tag === "Success")
          assert.deepStrictEqual(withoutAt(fromCsv.table.entries), withoutAt(fromJson.table.entries))
        if (fromCsv._tag === "Failure" && fromJson._tag === "Failure")
          assert.strictEqual(fromCsv.error.problems.length, fromJson.error.problems.length)
      }),
      {
        numRuns: 500,
        // A quoted code with surrounding spaces was trimmed and served as "PA" (JSON refuses " PA").
        examples: [[[{ kind: "C8", code: " PA", ja: "パ", en: "", key: "" }]]]
      }
    ))

  it("a quoted code with surrounding spaces is refused at its line and column", () => {
    const error = refused(OfficialTable.parseCsv('kind,code,ja\nC8,PAK,パキスタン\nC8," VN",ベトナム\n'), "csv")
    assert.deepStrictEqual(
      error.problems.map((p) => [p.line, p.message]),
      [[3, 'column code: the code " VN" has leading or trailing spaces']]
    )
  })
})

describe("mutated tables: the whole table or an error that says where", () => {
  const table = fc.tuple(rows, csvStyle).map(([t, style]) => ({ rows: t, style, ...renderCsv(t, style) }))

  it("a row written twice is refused at the later line", () =>
    fc.assert(
      fc.property(table, fc.nat(), fc.nat(), ({ rows: t, style }, from, to) => {
        const copied = t[from % t.length]!
        const at = to % (t.length + 1)
        const doubled: Array<Row> = [...t.slice(0, at), copied, ...t.slice(at)]
        const { text, lines } = renderCsv(doubled, style)
        const error = refused(OfficialTable.parseCsv(text), "csv")
        const indexes = doubled.flatMap((r, i) => (r === copied ? [i] : []))
        assert.deepStrictEqual(
          error.problems.map((p) => p.line),
          [lines[indexes[1]!]]
        )
        assert.match(error.problems[0]!.message, /^duplicate \w+ code .* \(first defined at line \d+\)$/)
        assert.include(error.problems[0]!.message, `first defined at line ${lines[indexes[0]!]}`)
      }),
      { numRuns: 200 }
    ))

  it("a row with an extra field is refused at its line", () =>
    fc.assert(
      fc.property(table, fc.nat(), ({ rows: t, style }, which) => {
        const i = which % t.length
        const { text, lines } = renderCsv(t, style)
        // Rendering the rows up to i gives the text up to the end of row i: append a field there.
        const upTo = renderCsv(t.slice(0, i + 1), { ...style, finalLineEnd: false }).text
        const mutatedText = `${upTo},extra${text.slice(upTo.length)}`
        const error = refused(OfficialTable.parseCsv(mutatedText), "csv")
        assert.deepStrictEqual(
          error.problems.map((p) => p.line),
          [lines[i]]
        )
        assert.include(error.problems[0]!.message, "fields but the header has")
      }),
      { numRuns: 200 }
    ))

  it("a truncated file loads a prefix of the table only as far as it is complete, or is refused", () =>
    fc.assert(
      fc.property(table, fc.nat(), ({ rows: t, style, text }, cut) => {
        const truncated = text.slice(0, cut % (text.length + 1))
        const outcome = run(OfficialTable.parseCsv(truncated))
        if (outcome._tag === "Failure") return assertUsefulError(outcome.error, "csv")
        assertValidTable(outcome.table)
        const got = withoutAt(outcome.table.entries)
        const want = t.map((r) => expectedEntry(r, style.columns))
        assert.isAtMost(got.length, want.length)
        // Every entry but the last is complete; the last may have lost the end of a name (CSV cannot tell).
        assert.deepStrictEqual(got.slice(0, -1), want.slice(0, got.length - 1))
      }),
      { numRuns: 300 }
    ))

  /** Text a spliced or damaged file may contain. */
  const splice = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('"', '""', ",", "\n", "\r", "\r\n", "#", "\uFEFF", "\u0000", ",,,,,,", '"\n"', "kind,code,ja\n")
  )

  it("text cut out or spliced in anywhere: a valid table or a useful error", () =>
    fc.assert(
      fc.property(table, fc.nat(), fc.nat({ max: 20 }), splice, ({ text }, at, remove, insert) => {
        const i = at % (text.length + 1)
        const mutatedText = text.slice(0, i) + insert + text.slice(i + remove)
        const outcome = run(OfficialTable.parseCsv(mutatedText))
        if (outcome._tag === "Success") assertValidTable(outcome.table)
        else assertUsefulError(outcome.error, "csv")
      }),
      { numRuns: 500 }
    ))

  it("an empty name or code is refused at its line and column", () =>
    fc.assert(
      fc.property(
        table,
        fc.nat(),
        fc.constantFrom("code", "ja"),
        fc.constantFrom("", " ", "　", "\t"),
        (t, which, column, blank) => {
          const i = which % t.rows.length
          const damaged = t.rows.map((r, j) => (j === i ? { ...r, [column]: blank } : r))
          const { text, lines } = renderCsv(damaged, t.style)
          const error = refused(OfficialTable.parseCsv(text), "csv")
          assert.deepStrictEqual(
            error.problems.map((p) => p.line),
            [lines[i]]
          )
          assert.include(error.problems[0]!.message, `column ${column}: `)
        }
      ),
      { numRuns: 200 }
    ))

  it("a huge cell is refused with a short message", () => {
    const huge = "あ".repeat(1_000_000)
    for (const csv of [
      `kind,code,ja\n${huge},PAK,パキスタン\n`,
      `kind,code,ja\nC8,${huge},パキスタン\n`,
      `kind,code,ja,key\nC8,PAK,パキスタン,${huge}\n`,
      `kind,code,ja\nC8,"PAK ${huge}",パキスタン\n`,
      `${huge},code,ja\nC8,PAK,パキスタン\n`,
      `kind,code,ja\nC8,PAK,パキスタン,${huge}\n`
    ]) {
      const error = refused(OfficialTable.parseCsv(csv), "csv")
      // The cell was repeated whole: a message of a megabyte.
      assert.isBelow(error.message.length, 2_000)
    }
    const error = refused(OfficialTable.parseJson(JSON.stringify([{ kind: huge, code: huge, ja: "x" }])), "json")
    assert.isBelow(error.message.length, 2_000)
  })

  it("a problem on every one of 50 000 lines: every problem kept, the message lists the first 20", () => {
    const csv = `kind,code,ja\n${"XX,PAK,パキスタン\n".repeat(50_000)}`
    const error = refused(OfficialTable.parseCsv(csv), "csv")
    assert.strictEqual(error.problems.length, 50_000)
    // Listed whole, the message was megabytes long (every line's problem).
    assert.isBelow(error.message.length, 5_000)
    assert.include(error.message, "50000 problems")
    assert.include(error.message, "… and 49980 more")
  })
})

describe("JSON: non-string cells, wrong shapes, prototype keys", () => {
  const entry = fc.record(
    {
      kind: fc.oneof(fc.constantFrom("C8", "nationality"), fc.anything()),
      code: fc.oneof(fc.constantFrom("PAK", "VNM", "__proto__"), fc.anything()),
      ja: fc.oneof(fc.constantFrom("名前"), fc.anything()),
      en: fc.oneof(fc.constant(null), fc.anything()),
      key: fc.oneof(fc.constant(null), fc.anything())
    },
    { requiredKeys: [] }
  )

  it("any value in any field: the table, or every bad field named by its path", () =>
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), fc.boolean(), (entries, wrapped) => {
        const text = JSON.stringify(wrapped ? { entries } : entries)
        if (text === undefined) return
        const outcome = run(OfficialTable.parseJson(text))
        if (outcome._tag === "Success") return assertValidTable(outcome.table)
        assertUsefulError(outcome.error, "json")
        for (const p of outcome.error.problems)
          if (p.path !== undefined && p.path !== "")
            assert.match(p.path, /^(entries)?\[\d+\](\.(kind|code|ja|en|key))?$/)
      }),
      { numRuns: 500 }
    ))

  it("any JSON document or text: a table or an OfficialTableError", () =>
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify({ entries: v }))
        ),
        (text) => {
          const outcome = run(OfficialTable.parseJson(text))
          if (outcome._tag === "Success") assertValidTable(outcome.table)
          else assertUsefulError(outcome.error, "json")
        }
      ),
      { numRuns: 300 }
    ))

  it("fromEntries: anything a JavaScript caller passes gives a table or an OfficialTableError", () =>
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(fc.anything()), fc.sparseArray(entry)), (entries) => {
        const outcome = run(OfficialTable.fromEntries(entries as never))
        if (outcome._tag === "Success") assertValidTable(outcome.table)
        else assertUsefulError(outcome.error, "entries")
      }),
      // null and a string threw a TypeError from forEach (a defect, not a typed error).
      { numRuns: 300, examples: [[null], [undefined], ["kind,code,ja"], [{ length: 2 }]] }
    ))

  it("a hole in a sparse array is reported, not skipped", () => {
    const sparse: Array<OfficialTable.EntryInput> = []
    sparse[1] = { kind: "C8", code: "PAK", ja: "パキスタン" }
    const error = refused(OfficialTable.fromEntries(sparse), "entries")
    assert.deepStrictEqual(
      error.problems.map((p) => p.path),
      ["[0]"]
    )
  })

  it("prototype names as codes are ordinary codes; as kinds or keys they are refused", () => {
    const table = loaded(
      OfficialTable.parseJson(
        JSON.stringify(
          ["__proto__", "toString", "valueOf", "prototype"].map((code) => ({
            kind: "C9",
            code,
            ja: `在留資格 ${code}`
          }))
        )
      )
    )
    assert.deepStrictEqual(
      table.entries.map((e) => e.code),
      ["__proto__", "toString", "valueOf", "prototype"]
    )
    const error = refused(
      OfficialTable.parseCsv(
        "kind,code,ja,key\n__proto__,A,x,\nconstructor,B,x,\nC9,C,x,__proto__\nC8,D,x,constructor\nCA,E,x,toString\n"
      ),
      "csv"
    )
    assert.deepStrictEqual(
      error.problems.map((p) => p.line),
      [2, 3, 4, 5, 6]
    )
    assert.isUndefined(({} as Record<string, unknown>).polluted)
  })
})

describe("anything as file content", () => {
  const encoding = fc.constantFrom(undefined, "utf-8", "shift_jis", "euc-jp", "utf-16le", "latin1", "bogus", "")

  it("any text or bytes, CSV or JSON, any encoding: a valid table or a useful error", () =>
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 200 }),
          fc.string().map((s) => `kind,code,ja\n${s}`)
        ),
        fc.constantFrom("csv" as const, "json" as const),
        encoding,
        (content, format, enc) => {
          const outcome = run(OfficialTable.parse(content, format, enc === undefined ? undefined : { encoding: enc }))
          if (outcome._tag === "Success") assertValidTable(outcome.table)
          else assertUsefulError(outcome.error, format)
        }
      ),
      { numRuns: 500 }
    ))

  it("line breaks of every kind count one line each", () => {
    for (const end of ["\n", "\r\n", "\r"]) {
      const text = ["kind,code,ja", 'C8,PAK,"パキ', 'スタン"', "C8,TOOLONG,x"].join(end)
      assert.strictEqual(lineBreaks(text), 3)
      const error = refused(OfficialTable.parseCsv(text), "csv")
      assert.deepStrictEqual(
        error.problems.map((p) => p.line),
        [4]
      )
    }
  })
})
