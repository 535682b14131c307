import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as ApplicationStatus from "../src/ApplicationStatus.js"
import * as CardType from "../src/CardType.js"
import * as CodedValue from "../src/CodedValue.js"
import * as CommissionerRecord from "../src/CommissionerRecord.js"
import * as Nationality from "../src/Nationality.js"
import * as Permission from "../src/Permission.js"
import * as PermissionType from "../src/PermissionType.js"
import * as ResidencePeriod from "../src/ResidencePeriod.js"
import * as Sex from "../src/Sex.js"
import * as StatusOfResidence from "../src/StatusOfResidence.js"
import * as WorkRestriction from "../src/WorkRestriction.js"

const closedTables = {
  CardType: CardType.table,
  Sex: Sex.table,
  WorkRestriction: WorkRestriction.table,
  "Permission.comprehensive": Permission.comprehensive,
  "Permission.individual": Permission.individual,
  ApplicationStatus: ApplicationStatus.table,
  "ApplicationStatus.firstGeneration": ApplicationStatus.firstGeneration,
  CommissionerRecord: CommissionerRecord.table
}

const isSource = Schema.is(CodedValue.Source)
const assertSource = (where: string, source: unknown) => {
  assert.isTrue(isSource(source), `${where}: source is not a valid Source`)
  const s = source as CodedValue.Source
  if (s.provenance === "INFERRED") assert.isTrue(s.inferred, `${where}: INFERRED provenance must be marked inferred`)
}
/** No two `items` share a value (`value` of each item; the items themselves by default). */
const unique = <A>(where: string, items: ReadonlyArray<A>, value: (item: A) => unknown = (item) => item) => {
  const values = items.map(value)
  assert.strictEqual(new Set(values).size, values.length, `${where}: duplicate values`)
}

describe("closed code tables", () => {
  it("the known codes of codes.md §1, §3–§6", () => {
    assert.deepStrictEqual(
      CardType.entries.map((e) => e.code),
      ["1", "2", "05", "06", "07", "08"]
    )
    assert.deepStrictEqual(
      Sex.entries.map((e) => e.code),
      ["1", "2", "3"]
    )
    assert.deepStrictEqual(
      WorkRestriction.entries.map((e) => e.code),
      ["1", "2", "4", "9"]
    )
    assert.deepStrictEqual(
      Permission.comprehensiveEntries.map((e) => e.code),
      ["0", "1", "2"]
    )
    assert.deepStrictEqual(
      Permission.individualEntries.map((e) => e.code),
      ["0", "1"]
    )
    assert.deepStrictEqual(
      ApplicationStatus.entries.map((e) => e.code),
      ["0", "1"]
    )
    assert.deepStrictEqual(
      CommissionerRecord.entries.map((e) => e.code),
      ["0", "1"]
    )
  })

  it("every table is well formed: unique codes, Japanese labels, valid provenance", () => {
    for (const [name, table] of Object.entries(closedTables)) {
      unique(name, table.entries, (e) => e.code)
      for (const e of table.entries) {
        assert.isNotEmpty(e.ja, `${name} ${e.code}`)
        assertSource(`${name} ${e.code}`, e.source)
      }
      assert.isNotEmpty(table.field.tag)
    }
  })

  it("decodes known codes with labels and provenance", () => {
    assert.deepStrictEqual(Schema.decodeUnknownSync(Sex.FromCode)("2"), {
      code: "2",
      label: { ja: "女", en: "female" },
      source: Sex.entries[1]!.source
    })
    const cardType = CardType.decode("05")
    assert.strictEqual(cardType.label?.ja, "第２世代在留カード")
    assert.strictEqual(cardType.source?.provenance, "IMPL")
    assert.strictEqual(cardType.source?.en, "INFERRED")
    assert.strictEqual(CardType.get("1")?.source.provenance, "SPEC1")
    assert.strictEqual(WorkRestriction.decode("9").label?.ja, "就労不可")
    assert.strictEqual(Permission.decodeComprehensive("1").label?.ja, "許可(週28時間以内・風俗営業不可)")
    assert.strictEqual(Permission.decodeIndividual("1").label?.en, "granted")
    assert.strictEqual(ApplicationStatus.decode("1").label?.ja, "申請中")
    assert.strictEqual(ApplicationStatus.decodeFirstGeneration("1").source?.provenance, "SPEC1")
    assert.strictEqual(CommissionerRecord.decode("1").label?.ja, "記録あり")
  })

  it("unknown codes come back raw, never failing", () => {
    for (const [name, table] of Object.entries(closedTables)) {
      for (const code of ["", "7", "99", "X", "3 "]) {
        if (table.get(code) !== undefined) continue
        assert.deepStrictEqual(table.decode(code), { code }, name)
        assert.deepStrictEqual(Schema.decodeUnknownSync(table.FromCode)(code), { code }, name)
      }
    }
    assert.deepStrictEqual(WorkRestriction.decode("3"), { code: "3" })
    assert.isFalse(CodedValue.isKnown(CardType.decode("09")))
    assert.isTrue(CodedValue.isKnown(CardType.decode("06")))
  })

  it("encoding gives the raw code back", () => {
    assert.strictEqual(Schema.encodeSync(WorkRestriction.FromCode)(WorkRestriction.decode("4")), "4")
    assert.strictEqual(Schema.encodeSync(CardType.FromCode)({ code: "42" }), "42")
  })

  it("the Code schemas accept only the known codes", () => {
    assert.isTrue(Schema.is(CardType.Code)("05"))
    assert.isFalse(Schema.is(CardType.Code)("5"))
    assert.isTrue(Schema.is(WorkRestriction.Code)("4"))
    assert.isFalse(Schema.is(WorkRestriction.Code)("3"))
  })
})

describe("StatusOfResidence", () => {
  it("lists every status and 号 of codes.md §8.1 with unique keys", () => {
    assert.strictEqual(StatusOfResidence.entries.length, 40)
    unique("keys", StatusOfResidence.entries, (e) => e.key)
    unique("ja", StatusOfResidence.entries, (e) => e.ja)
    for (const e of StatusOfResidence.entries) {
      assert.match(e.key, /^[a-z0-9_]+$/)
      assertSource(e.key, e.source)
      if (e.periods !== undefined) assertSource(`${e.key} periods`, e.periods.source)
    }
    const byStatus = (s: string) => StatusOfResidence.entries.filter((e) => e.status === s).map((e) => e.subStatus)
    assert.deepStrictEqual(byStatus("高度専門職"), ["1号イ", "1号ロ", "1号ハ", "2号"])
    assert.deepStrictEqual(byStatus("特定技能"), ["1号", "2号"])
    assert.deepStrictEqual(byStatus("技能実習"), ["1号イ", "1号ロ", "2号イ", "2号ロ", "3号イ", "3号ロ"])
  })

  it("every allowed period parses as a CE value", () => {
    for (const e of StatusOfResidence.entries) {
      const p = e.periods
      if (p === undefined) continue
      for (const code of [
        ...p.fixed,
        ...(p.common ?? []),
        ...(p.designatedMax === undefined ? [] : [p.designatedMax])
      ]) {
        const r = ResidencePeriod.parse(code)
        assert.strictEqual(r._tag, "Ok", `${e.key}: ${code}`)
      }
      unique(`${e.key} periods`, p.fixed)
      assert.isTrue(
        p.fixed.length > 0 || p.designatedMax !== undefined || p.activityPeriod === true,
        `${e.key}: no period at all`
      )
      // Designated values stay within the maximum.
      if (p.designatedMax !== undefined) {
        const max = StatusOfResidence.fixedPeriods({ ...e, periods: { ...p, fixed: [p.designatedMax] } })[0]!
        for (const code of p.common ?? []) {
          const r = ResidencePeriod.parse(code)
          if (r._tag === "Ok") assert.isTrue(ResidencePeriod.isWithin(r.period, max), `${e.key}: ${code}`)
        }
      }
    }
  })

  it("periods match 施行規則 別表第二 (codes.md §8.2)", () => {
    const fixed = (key: string) =>
      StatusOfResidence.fixedPeriods(StatusOfResidence.byKey(key)!).map(ResidencePeriod.toJapanese)
    assert.deepStrictEqual(fixed("professor"), ["5年", "3年", "1年", "3月"])
    assert.deepStrictEqual(fixed("business_manager"), ["5年", "3年", "1年", "6月", "4月", "3月"])
    assert.deepStrictEqual(fixed("entertainer"), ["3年", "1年", "6月", "3月", "30日"])
    assert.deepStrictEqual(fixed("specified_skilled_worker_2"), ["3年", "2年", "1年", "6月"])
    assert.deepStrictEqual(fixed("permanent_resident"), ["無期限"])
    assert.deepStrictEqual(fixed("highly_skilled_professional_2"), ["無期限"])
    assert.deepStrictEqual(fixed("official"), ["5年", "3年", "1年", "3月", "30日", "15日"])
    assert.strictEqual(StatusOfResidence.byKey("student")?.periods?.designatedMax, "0403")
    assert.strictEqual(StatusOfResidence.byKey("specified_skilled_worker_1")?.periods?.designatedMax, "0300")
  })

  it("allowsPeriod", () => {
    const allows = (key: string, raw: string) => {
      const r = ResidencePeriod.parse(raw)
      if (r._tag === "Error") throw new Error(r.message)
      return StatusOfResidence.allowsPeriod(StatusOfResidence.byKey(key)!, r.period)
    }
    assert.isTrue(allows("student", "0403"))
    assert.isTrue(allows("student", "0106"))
    assert.isFalse(allows("student", "0500"))
    assert.isFalse(allows("student", "0000"))
    assert.isTrue(allows("engineer_specialist_humanities_intl", "0500"))
    assert.isFalse(allows("engineer_specialist_humanities_intl", "0200"))
    assert.isTrue(allows("temporary_visitor", "090"))
    assert.isTrue(allows("temporary_visitor", "012"))
    assert.isFalse(allows("temporary_visitor", "045"))
    assert.isTrue(allows("permanent_resident", "0000"))
    assert.isFalse(allows("permanent_resident", "0500"))
    assert.isTrue(allows("long_term_resident", "0200"))
    assert.isUndefined(allows("diplomat", "0100"))
    assert.isUndefined(allows("employment_for_skill_development", "0100"))
  })

  it("byJapanese ignores brackets and width", () => {
    assert.strictEqual(StatusOfResidence.byJapanese("留学")?.key, "student")
    assert.strictEqual(StatusOfResidence.byJapanese("高度専門職（1号イ）")?.key, "highly_skilled_professional_1a")
    assert.strictEqual(StatusOfResidence.byJapanese("高度専門職1号イ")?.key, "highly_skilled_professional_1a")
    assert.strictEqual(StatusOfResidence.byJapanese("特定技能（１号）")?.key, "specified_skilled_worker_1")
    assert.isUndefined(StatusOfResidence.byJapanese("高度専門職"))
    assert.isUndefined(StatusOfResidence.byJapanese("投資・経営"))
  })
})

describe("Nationality", () => {
  it("has the 197 ISA statistics entries plus バチカン, 日本, 香港, マカオ", () => {
    assert.strictEqual(Nationality.entries.length, 201)
    assert.strictEqual(Nationality.entries.filter((e) => e.statsCode !== undefined).length, 197)
    assert.strictEqual(Nationality.entries.filter((e) => e.lists.includes("rasens")).length, 198)
  })

  it("every entry is well formed", () => {
    unique("keys", Nationality.entries, (e) => e.key)
    unique("ja", Nationality.entries, (e) => e.ja)
    const isos = Nationality.entries.flatMap((e) => (e.iso === undefined ? [] : [e.iso]))
    unique("alpha-2", isos, (i) => i.alpha2)
    unique("alpha-3", isos, (i) => i.alpha3)
    unique(
      "numeric",
      isos.filter((i) => i.numeric !== undefined),
      (i) => i.numeric
    )
    for (const e of Nationality.entries) {
      assertSource(e.key, e.source)
      if (e.statsCode !== undefined) {
        assert.match(e.statsCode, /^0[1-7]_\d{3}$/, e.ja)
        assert.strictEqual(e.region, e.statsCode.slice(0, 2))
      } else {
        assert.match(e.key, /^[A-Z]{3}$/)
      }
      if (e.iso !== undefined) {
        assert.match(e.iso.alpha2, /^[A-Z]{2}$/, e.ja)
        assert.match(e.iso.alpha3, /^[A-Z]{3}$/, e.ja)
        if (e.iso.numeric !== undefined) assert.match(e.iso.numeric, /^\d{3}$/, e.ja)
        else assert.strictEqual(e.iso.status, "user-assigned", e.ja)
        // Every ISO mapping is matched by name: INFERRED.
        assert.isTrue(e.iso.source.inferred, e.ja)
        assert.strictEqual(e.iso.source.provenance, "INFERRED")
      }
    }
  })

  it("the entries ISO lacks (codes.md §10.4)", () => {
    const chosen = Nationality.byStatsCode("01_012")!
    assert.strictEqual(chosen.ja, "朝鮮")
    assert.isUndefined(chosen.iso, "朝鮮 must not map to KP/PRK")
    const stateless = Nationality.byJapanese("無国籍")!
    assert.isUndefined(stateless.iso)
    assert.strictEqual(stateless.icao, "XXA")
    assert.strictEqual(Nationality.byJapanese("コソボ共和国")?.iso?.status, "user-assigned")
    assert.strictEqual(Nationality.byAlpha3("SCG")?.iso?.status, "withdrawn")
    assert.strictEqual(Nationality.byAlpha3("TWN")?.isRegion, true)
  })

  it("lookups by code", () => {
    assert.strictEqual(Nationality.byAlpha3("PAK")?.ja, "パキスタン")
    assert.strictEqual(Nationality.byAlpha2("VN")?.ja, "ベトナム")
    assert.strictEqual(Nationality.byNumeric("156")?.ja, "中国")
    assert.strictEqual(Nationality.byStatsCode("04_175")?.en, "United States of America")
    assert.strictEqual(Nationality.byKey("VAT")?.ja, "バチカン")
    assert.isUndefined(Nationality.byAlpha3("PRK"))
  })

  it("ICAO codes point at existing entries", () => {
    unique("icao", Nationality.icaoCodes, (i) => i.code)
    for (const i of Nationality.icaoCodes) if (i.key !== undefined) assert.isDefined(Nationality.byKey(i.key), i.code)
  })
})

describe("PermissionType", () => {
  it("lists the 8 types of codes.md §11", () => {
    assert.strictEqual(PermissionType.entries.length, 8)
    unique("keys", PermissionType.entries, (e) => e.key)
    for (const e of PermissionType.entries) {
      assertSource(e.key, e.source)
      assert.isTrue(e.source.inferred, `${e.key}: the printed form is INFERRED`)
    }
  })

  it("byJapanese ignores the granting authority of first-generation cards", () => {
    assert.strictEqual(PermissionType.byJapanese("在留資格変更許可")?.key, "change_of_status")
    assert.strictEqual(PermissionType.byJapanese("在留資格変更許可（東京入国管理局長）")?.key, "change_of_status")
    assert.isUndefined(PermissionType.byJapanese("再入国許可"))
  })
})
