/**
 * 許可の種類 (type of permission), second-generation DF1/EF02 tag `CA`, 在留カード only.
 *
 * Public reference data, **not the card code**: on the chip this is a 2-character code from a table ISA lends only
 * to vendors (codes.md §0, §11: NOT PUBLIC). Use `CodeTables` to turn a `CA` code into an entry here. The card
 * face prints it in Japanese only, beside 許可年月日 (`CB`). The printed form of each name is INFERRED.
 *
 * `key` is this package's stable identifier (codes.md §11 "key (proposal)"), not an ISA code.
 *
 * @since 0.1.0
 */
import type { Source } from "./CodedValue.js"

export interface PermissionTypeEntry {
  readonly key: string
  /** As printed (INFERRED form). */
  readonly ja: string
  readonly en: string
  /** 入管法 article(s). */
  readonly article: string
  /** Whether a residence card results (for 中長期在留者). */
  readonly leadsToCard: "yes" | "probably"
  readonly note?: string
  /** Provenance of the names: the Japanese is the law's term (printed form INFERRED); see `source.en`. */
  readonly source: Source
}

const term = (en: NonNullable<Source["en"]>, ref: string): Source => ({
  provenance: "INFERRED",
  inferred: true,
  en,
  ref: `codes.md §11: printed form INFERRED; English: ${ref}`
})

export const entries: ReadonlyArray<PermissionTypeEntry> = [
  {
    key: "landing_permission",
    ja: "上陸許可",
    en: "Landing Permission",
    article: "9条 (after the 7条 examination; COE route 7条の2)",
    leadsToCard: "yes",
    note: "Card issued at 新千歳・成田・羽田・中部・関西・広島・福岡 to 中長期在留者, otherwise mailed later",
    source: term("OFFICIAL (via copy)", "JETRO English guide copy")
  },
  {
    key: "special_landing_permission",
    ja: "上陸特別許可",
    en: "Special Permission for Landing",
    article: "12条",
    leadsToCard: "yes",
    source: term("INFERRED", "law translation style")
  },
  {
    key: "change_of_status",
    ja: "在留資格変更許可",
    en: "Permission for Change of Status of Residence",
    article: "20条",
    leadsToCard: "yes",
    source: term("OFFICIAL (via copy)", "ISA form 別記第三十号様式")
  },
  {
    key: "extension_of_period",
    ja: "在留期間更新許可",
    en: "Permission for Extension of Period of Stay",
    article: "21条",
    leadsToCard: "yes",
    source: term("OFFICIAL (via copy)", "ISA form 別記第三十号の二様式")
  },
  {
    key: "permanent_residence",
    ja: "永住許可",
    en: "Permission for Permanent Residence",
    article: "22条 (and 22条の2第4項, 22条の3)",
    leadsToCard: "yes",
    source: term("OFFICIAL (via copy)", "ISA 永住許可申請書")
  },
  {
    key: "acquisition_of_status",
    ja: "在留資格取得許可",
    en: "Permission to Acquire Status of Residence",
    article: "22条の2 (birth, loss of Japanese nationality), 22条の3",
    leadsToCard: "yes",
    source: term("OFFICIAL (via copy)", "ISA English list of applications (Tottori univ. copy)")
  },
  {
    key: "special_permission_to_stay",
    ja: "在留特別許可",
    en: "Special Permission to Stay in Japan",
    article: "50条",
    leadsToCard: "yes",
    source: term("INFERRED", "law translation style")
  },
  {
    key: "refugee_related",
    ja: "難民の認定等に伴う在留資格の取得・変更等の許可",
    en: "Permission granted upon refugee or complementary protection recognition",
    article: "61条の2の2",
    leadsToCard: "probably",
    note: "How it is printed is NOT FOUND",
    source: term("INFERRED", "INFERRED")
  }
]

/**
 * Not 許可の種類 values (codes.md §11): the COE (issued before entry; the card then shows 上陸許可), 資格外活動許可
 * (own field, see `Permission`), 再入国許可.
 */
export const notPermissionTypes: ReadonlyArray<string> = ["在留資格認定証明書", "資格外活動許可", "再入国許可"]

const byKeyMap = new Map(entries.map((e) => [e.key, e]))
const byJaMap = new Map(entries.map((e) => [e.ja, e]))

/** The entry with this `key`. */
export const byKey = (key: string): PermissionTypeEntry | undefined => byKeyMap.get(key)

/**
 * By Japanese name. First-generation cards append the granting authority, e.g. 「在留資格変更許可（東京入国管理局長）」
 * (unverified): a trailing bracketed part is ignored.
 */
export const byJapanese = (name: string): PermissionTypeEntry | undefined => {
  const n = name.trim().normalize("NFKC")
  return byJaMap.get(n) ?? byJaMap.get(n.replace(/\([^()]*\)$/, "").trim())
}
