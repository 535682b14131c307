import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, FileSystem, Layer, Schema } from "effect"
import * as CodeTables from "../src/CodeTables.js"

const csv = `kind,code,ja,en,key
nationality,PAK,パキスタン,Pakistan,01_030
statusOfResidence,T410010000,留学,Student,student
permissionType,01,在留資格変更許可,,change_of_status
`

describe("CodeTables, default (public) layer", () => {
  it.effect("nationality: ISO alpha-3 mapping, marked inferred", () =>
    Effect.gen(function* () {
      const tables = yield* CodeTables.CodeTables
      assert.strictEqual(tables.origin, "public")
      const pak = tables.nationality("PAK")
      assert.strictEqual(pak.code, "PAK")
      assert.deepStrictEqual(pak.label, { ja: "パキスタン", en: "Pakistan" })
      assert.strictEqual(pak.key, "01_030")
      assert.strictEqual(pak.source?.provenance, "INFERRED")
      assert.isTrue(pak.source?.inferred)
      // ISO numeric, also inferred
      const jpn = tables.nationality("392")
      assert.strictEqual(jpn.label?.ja, "日本")
      assert.isTrue(jpn.source?.inferred)
      // ICAO and eringoio special values
      assert.strictEqual(tables.nationality("XXA").label?.ja, "無国籍")
      assert.strictEqual(tables.nationality("XXX").label?.ja, "無国籍")
      assert.strictEqual(tables.nationality("RKS").label?.ja, "コソボ")
      // padding is ignored, the raw code is kept
      assert.strictEqual(tables.nationality("VNM\u0000").label?.ja, "ベトナム")
      assert.strictEqual(tables.nationality("VNM\u0000").code, "VNM\u0000")
    }).pipe(Effect.provide(CodeTables.layer))
  )

  it.effect("unknown codes, C9 and CA come back raw", () =>
    Effect.gen(function* () {
      const tables = yield* CodeTables.CodeTables
      assert.deepStrictEqual(tables.nationality("PRK"), { code: "PRK" }) // 朝鮮 is not PRK (codes.md §10.2)
      assert.deepStrictEqual(tables.nationality("ZZZ"), { code: "ZZZ" })
      assert.deepStrictEqual(tables.nationality(""), { code: "" })
      assert.deepStrictEqual(tables.statusOfResidence("T410010000"), { code: "T410010000" })
      assert.deepStrictEqual(tables.permissionType("01"), { code: "01" })
      assert.deepStrictEqual(tables.entries("nationality"), [])
      assert.deepStrictEqual(yield* CodeTables.statusOfResidence("X"), { code: "X" })
    }).pipe(Effect.provide(CodeTables.layerPublic))
  )

  it.effect("the class's static layer is the same default", () =>
    Effect.map(CodeTables.nationality("CHN"), (v) => assert.strictEqual(v.label?.ja, "中国")).pipe(
      Effect.provide(CodeTables.CodeTables.layer)
    )
  )
})

layer(CodeTables.layerOfficialCsv(csv))("CodeTables, official layer from CSV", (it) => {
  it.effect("looks codes up in the user table", () =>
    Effect.gen(function* () {
      const tables = yield* CodeTables.CodeTables
      assert.strictEqual(tables.origin, "official")
      assert.deepStrictEqual(tables.statusOfResidence("T410010000"), {
        code: "T410010000",
        label: { ja: "留学", en: "Student" },
        source: { provenance: "USER TABLE", inferred: false, ref: "user-supplied code table" },
        key: "student"
      })
      assert.deepStrictEqual(tables.permissionType("01").label, { ja: "在留資格変更許可" })
      assert.strictEqual(tables.nationality("PAK").source?.provenance, "USER TABLE")
      assert.strictEqual(tables.entries("statusOfResidence").length, 1)
    })
  )

  it.effect("codes the table lacks come back raw (no public fallback by default)", () =>
    Effect.gen(function* () {
      const tables = yield* CodeTables.CodeTables
      assert.deepStrictEqual(tables.nationality("VNM"), { code: "VNM" })
      assert.deepStrictEqual(tables.statusOfResidence("T999"), { code: "T999" })
    })
  )

  it.effect("schemas decode through the service", () =>
    Effect.gen(function* () {
      const status = yield* Schema.decodeUnknownEffect(CodeTables.StatusOfResidenceFromCode)("T410010000")
      assert.strictEqual(status.key, "student")
      const unknown = yield* Schema.decodeUnknownEffect(CodeTables.PermissionTypeFromCode)("ZZ")
      assert.deepStrictEqual(unknown, { code: "ZZ" })
      const nat = yield* Schema.decodeUnknownEffect(CodeTables.NationalityFromCode)("PAK")
      assert.strictEqual(nat.label?.ja, "パキスタン")
    })
  )
})

describe("CodeTables, other official layers", () => {
  it.effect("from JSON, with the public fallback", () =>
    Effect.gen(function* () {
      const tables = yield* CodeTables.CodeTables
      assert.strictEqual(tables.description, "vendor table v1")
      assert.strictEqual(tables.nationality("A01").label?.ja, "台湾")
      const fallback = tables.nationality("VNM")
      assert.strictEqual(fallback.label?.ja, "ベトナム")
      assert.isTrue(fallback.source?.inferred)
    }).pipe(
      Effect.provide(
        CodeTables.layerOfficialJson(
          JSON.stringify({ source: "vendor table v1", entries: [{ kind: "C8", code: "A01", ja: "台湾", key: "TWN" }] }),
          { fallback: "public" }
        )
      )
    )
  )

  it.effect("a malformed file fails the layer with OfficialTableError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        CodeTables.nationality("PAK").pipe(Effect.provide(CodeTables.layerOfficialCsv("kind,code,ja\nC8,PAK,\n")))
      )
      assert.strictEqual(error._tag, "OfficialTableError")
      assert.include(error.message, "line 2: column ja")
    })
  )

  it.effect("from a file through the FileSystem service", () => {
    const files: Record<string, string> = {
      "/tables/isa.csv": csv,
      "/tables/isa.json": '[{ "kind": "CA", "code": "01", "ja": "上陸許可" }]'
    }
    const fs = Layer.succeed(
      FileSystem.FileSystem,
      FileSystem.makeNoop({ readFile: (path) => Effect.succeed(new TextEncoder().encode(files[path] ?? "")) })
    )
    return Effect.gen(function* () {
      const fromCsv = yield* CodeTables.statusOfResidence("T410010000").pipe(
        Effect.provide(CodeTables.layerOfficialFile("/tables/isa.csv").pipe(Layer.provide(fs)))
      )
      assert.strictEqual(fromCsv.label?.ja, "留学")
      const fromJson = yield* CodeTables.permissionType("01").pipe(
        Effect.provide(CodeTables.layerOfficialFile("/tables/isa.json").pipe(Layer.provide(fs)))
      )
      assert.strictEqual(fromJson.label?.ja, "上陸許可")
    })
  })
})
