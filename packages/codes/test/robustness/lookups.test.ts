// The CodeTables service and the public reference lists looked up with any string: Object.prototype names
// ("toString" must not give a function), padding, control characters, long text. A lookup never throws and never
// fails: a known code gives its label, anything else comes back raw as { code }.
import { Cause, Effect, Exit, type Layer, Schema } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import { CodedValue, stripPadding } from "../../src/CodedValue.js"
import * as CodeTables from "../../src/CodeTables.js"
import * as Nationality from "../../src/Nationality.js"
import * as OfficialTable from "../../src/OfficialTable.js"
import * as PermissionType from "../../src/PermissionType.js"
import * as StatusOfResidence from "../../src/StatusOfResidence.js"
import { expectedEntry, padding, prototypeNames, rows } from "./harness/Tables.js"

/** Any string a card, a file or a caller may present as a code. */
const anyCode = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(...prototypeNames, "PAK", "pak", "392", "XXA", "XXX", "RKS", "D", "PRK", "", " ", "\u0000"),
  fc.tuple(fc.constantFrom("PAK", "VNM", "392", "toString"), padding).map(([c, p]) => c + p)
)
const anyKind = fc.oneof(fc.constantFrom(...OfficialTable.kinds), fc.constantFrom(...prototypeNames), fc.string())

const isCodedValue = Schema.is(CodedValue)

/** A decoded value: the raw code kept, plain data only (no function reached through a prototype). */
const assertCodedValue = (value: unknown, code: string) => {
  assert.isTrue(isCodedValue(value), JSON.stringify(value))
  const v = value as CodedValue
  assert.strictEqual(v.code, code)
  for (const field of [v, v.label, v.source]) {
    if (field === undefined) continue
    assert.strictEqual(Object.getPrototypeOf(field), Object.prototype)
    for (const x of Object.values(field)) assert.notStrictEqual(typeof x, "function")
  }
  if (v.label !== undefined) assert.isAbove(v.label.ja.length, 0)
}

const officialTable = (table: OfficialTable.OfficialTable, fallback: "raw" | "public") =>
  CodeTables.makeOfficial(table, { fallback })

describe("CodeTables lookups", () => {
  const publicTables = CodeTables.makePublic()

  it("public layer: any code gives a CodedValue with the raw code, labelled only if inferred", () =>
    fc.assert(
      fc.property(anyKind, anyCode, (kind, code) => {
        const value = publicTables.lookup(kind as CodeTables.CodeKind, code)
        assertCodedValue(value, code)
        if (kind !== "nationality") assert.deepStrictEqual(value, { code })
        if (value.label !== undefined) assert.isTrue(value.source?.inferred)
        assert.deepStrictEqual(publicTables.entries(kind as CodeTables.CodeKind), [])
      }),
      {
        numRuns: 500,
        examples: [
          ["nationality", "toString"],
          ["nationality", "__proto__"],
          ["toString", "PAK"]
        ]
      }
    ))

  it("official layer: a table's codes (padded or not) give its labels; anything else is raw or inferred", () =>
    fc.assert(
      fc.property(
        rows,
        anyKind,
        anyCode,
        padding,
        fc.constantFrom("raw" as const, "public" as const),
        (t, kind, code, pad, fallback) => {
          const table = Effect.runSync(
            OfficialTable.fromEntries(
              t.map((r) => ({
                kind: r.kindAs,
                code: r.code,
                ja: r.ja,
                ...(r.en === undefined ? {} : { en: r.en }),
                ...(r.key === undefined ? {} : { key: r.key.as })
              }))
            )
          )
          const tables = officialTable(table, fallback)
          for (const r of t) {
            const want = expectedEntry(r)
            for (const raw of [r.code, r.code + pad]) {
              const value = tables.lookup(r.kind, raw)
              assertCodedValue(value, raw)
              assert.deepStrictEqual(
                value.label,
                want.en === undefined ? { ja: want.ja } : { ja: want.ja, en: want.en }
              )
              assert.strictEqual(value.key, want.key)
              assert.strictEqual(value.source?.provenance, "USER TABLE")
            }
          }
          const value = tables.lookup(kind as CodeTables.CodeKind, code)
          assertCodedValue(value, code)
          const own = t.find((r) => r.kind === kind && (r.code === code || r.code === stripPadding(code)))
          if (own === undefined)
            assert.deepStrictEqual(
              value,
              fallback === "raw" ? { code } : publicTables.lookup(kind as CodeTables.CodeKind, code)
            )
          const entries = tables.entries(kind as CodeTables.CodeKind)
          assert.isArray(entries)
          assert.strictEqual(entries.length, t.filter((r) => r.kind === kind).length)
        }
      ),
      { numRuns: 200 }
    ))

  it("a table holding __proto__ and toString as codes serves them, and only them", () => {
    const table = Effect.runSync(
      OfficialTable.fromEntries([
        { kind: "C9", code: "__proto__", ja: "在留資格A" },
        { kind: "C9", code: "toString", ja: "在留資格B" }
      ])
    )
    const tables = officialTable(table, "raw")
    assert.strictEqual(tables.statusOfResidence("__proto__").label?.ja, "在留資格A")
    assert.strictEqual(tables.statusOfResidence("toString").label?.ja, "在留資格B")
    for (const name of prototypeNames) {
      assert.deepStrictEqual(tables.nationality(name), { code: name })
      assert.deepStrictEqual(tables.permissionType(name), { code: name })
    }
    assert.deepStrictEqual(tables.statusOfResidence("valueOf"), { code: "valueOf" })
  })

  it("the service's schemas decode any string and refuse non-strings with a typed failure, through any layer", () => {
    const official = CodeTables.layerOfficialCsv("kind,code,ja\nC8,PAK,パキスタン\nC9,toString,留学\n")
    fc.assert(
      fc.property(fc.oneof(anyCode, fc.anything()), fc.constantFrom(CodeTables.layer, official), (input, layer) => {
        for (const schema of [
          CodeTables.NationalityFromCode,
          CodeTables.StatusOfResidenceFromCode,
          CodeTables.PermissionTypeFromCode
        ]) {
          const exit = Effect.runSyncExit(
            Schema.decodeUnknownEffect(schema)(input).pipe(Effect.provide(layer as Layer.Layer<CodeTables.CodeTables>))
          )
          if (typeof input === "string") {
            assert.isTrue(Exit.isSuccess(exit))
            if (Exit.isSuccess(exit)) assertCodedValue(exit.value, input)
          } else {
            // A typed failure (the schema's issue), not a defect.
            assert.isTrue(
              Exit.isFailure(exit) && !Cause.hasDies(exit.cause) && exit.cause.reasons.every(Cause.isFailReason)
            )
          }
        }
      }),
      { numRuns: 200 }
    )
  })
})

describe("reference lists", () => {
  const lookups: ReadonlyArray<readonly [string, (s: string) => unknown]> = [
    ["Nationality.byKey", Nationality.byKey],
    ["Nationality.byStatsCode", Nationality.byStatsCode],
    ["Nationality.byAlpha2", Nationality.byAlpha2],
    ["Nationality.byAlpha3", Nationality.byAlpha3],
    ["Nationality.byNumeric", Nationality.byNumeric],
    ["Nationality.byJapanese", Nationality.byJapanese],
    ["StatusOfResidence.byKey", StatusOfResidence.byKey],
    ["StatusOfResidence.byJapanese", StatusOfResidence.byJapanese],
    ["PermissionType.byKey", PermissionType.byKey],
    ["PermissionType.byJapanese", PermissionType.byJapanese]
  ]
  const allEntries = new Set<unknown>([...Nationality.entries, ...StatusOfResidence.entries, ...PermissionType.entries])

  for (const [name, lookup] of lookups)
    it(`${name}: any string gives one of the list's entries or undefined`, () =>
      fc.assert(
        fc.property(anyCode, (s) => {
          const found = lookup(s)
          if (found !== undefined) assert.isTrue(allEntries.has(found), `${name}(${JSON.stringify(s)})`)
        }),
        { numRuns: 300, examples: prototypeNames.map((n): [string] => [n]) }
      ))

  it("inferNationality agrees with the public layer and keeps the raw code", () =>
    fc.assert(
      fc.property(anyCode, (code) => {
        const value = CodeTables.inferNationality(code)
        assertCodedValue(value, code)
        assert.deepStrictEqual(value, CodeTables.makePublic().nationality(code))
      }),
      { numRuns: 300 }
    ))
})
