/**
 * 在留資格 (statuses of residence): every current status and 号, with the periods of stay each allows.
 *
 * Public reference data, **not the card code**: the card stores the status as a code of at most 10 characters
 * (DF1/EF02 tag `C9`, eringoio's sample `T410010000`) from a table ISA lends only to vendors (codes.md §0,
 * NOT PUBLIC). Use `CodeTables` to turn a `C9` code into a status; its entries can point at the `key`s here.
 *
 * - Statuses and activities: 入管法 別表第一・第二. Periods: 入管法施行規則 第3条 and 別表第二, state 2026-11
 *   (codes.md §8.2, read through third-party copies, except 興行, which ISA's own page gives).
 * - `key` is this package's stable identifier (codes.md §8.1 "key (proposal)"); it is **not an ISA code**.
 * - English names: ISA forms, the ISA online system RASENS, and ISA's English pages (via copies), except where
 *   `source.en` says `INFERRED` or `THIRD PARTY`.
 * - Periods are written in the card's `CE` form (`ResidencePeriod`): `0500` = 5年, `0006` = 6月, `030` = 30日,
 *   `0000` = 無期限.
 *
 * @since 0.1.0
 */
import type { Source } from "./CodedValue.js"
import * as ResidencePeriod from "./ResidencePeriod.js"

/** The table of 入管法 (or the special act) that defines the status. */
export type LegalBasis =
  | "別表第一の一"
  | "別表第一の二"
  | "別表第一の三"
  | "別表第一の四"
  | "別表第一の五"
  | "別表第二"
  | "入管特例法"

/** Periods of stay allowed by 施行規則 別表第二 for one status. */
export interface AllowedPeriods {
  /** The ordinance text (Japanese). */
  readonly ordinance: string
  /** The discrete periods the ordinance lists, in `CE` form. */
  readonly fixed: ReadonlyArray<string>
  /** 「法務大臣が個々に指定する期間（… を超えない範囲）」: the maximum, in `CE` form. */
  readonly designatedMax?: string
  /** 短期滞在: 「15日以内の日を単位とする期間」: any number of days up to this. */
  readonly daysUpTo?: number
  /** Values commonly granted within a designated range (留学). */
  readonly common?: ReadonlyArray<string>
  /** 外交: 「外交活動の期間」, a period that is not a fixed length; its `CE` encoding is NOT FOUND. */
  readonly activityPeriod?: true
  /** Date from which this rule applies, `YYYY-MM-DD`. */
  readonly since?: string
  /** The rule before `since`. */
  readonly previously?: string
  readonly source: Source
}

export interface StatusEntry {
  /** Stable identifier of this package (codes.md §8.1 proposal). Not an ISA code. */
  readonly key: string
  /** 在留資格 as in the law, e.g. `高度専門職`. */
  readonly status: string
  /** 号 / sub-status in ISA form notation, e.g. `1号イ`. */
  readonly subStatus?: string
  /** Japanese label in ISA form notation, e.g. `高度専門職（1号イ）`. How 号 is printed on the card is NOT FOUND. */
  readonly ja: string
  /** English name (ISA style). */
  readonly en?: string
  /** Other English spellings seen in ISA material. */
  readonly enAliases?: ReadonlyArray<string>
  readonly legalBasis: LegalBasis
  /** Whether a residence card is issued to holders (入管法19条の3). */
  readonly residenceCard: "yes" | "no" | "partly" | "expected"
  /** `undefined` when the periods are NOT FOUND (育成就労) or the status has no period (特別永住者). */
  readonly periods?: AllowedPeriods
  /** Date from which the status exists, `YYYY-MM-DD`, for statuses not yet in force. */
  readonly effectiveFrom?: string
  readonly note?: string
  /** Provenance of the name and English label. */
  readonly source: Source
}

const official = (en: Source["en"] = "OFFICIAL (via copy)", ref = "codes.md §8.1; ISA forms, RASENS"): Source => ({
  provenance: "OFFICIAL (via copy)",
  inferred: false,
  ...(en === undefined ? {} : { en }),
  ref
})
const byOrdinance = (ref = "codes.md §8.2; 施行規則 別表第二 via third-party copies"): Source => ({
  provenance: "OFFICIAL (via copy)",
  inferred: false,
  ref
})

const FIVE_THREE_ONE_3M: AllowedPeriods = {
  ordinance: "5年、3年、1年又は3月",
  fixed: ["0500", "0300", "0100", "0003"],
  source: byOrdinance()
}
const SPOUSE: AllowedPeriods = {
  ordinance: "5年、3年、1年又は6月",
  fixed: ["0500", "0300", "0100", "0006"],
  source: byOrdinance()
}
const TIT1: AllowedPeriods = {
  ordinance: "法務大臣が個々に指定する期間（1年を超えない範囲）",
  fixed: [],
  designatedMax: "0100",
  source: byOrdinance()
}
const TIT23: AllowedPeriods = {
  ordinance: "法務大臣が個々に指定する期間（2年を超えない範囲）",
  fixed: [],
  designatedMax: "0200",
  source: byOrdinance()
}
const HSP1: AllowedPeriods = { ordinance: "5年", fixed: ["0500"], source: byOrdinance() }
const INDEFINITE: AllowedPeriods = { ordinance: "無期限", fixed: ["0000"], source: byOrdinance() }

const tit = (key: string, subStatus: string, en: string, periods: AllowedPeriods): StatusEntry => ({
  key,
  status: "技能実習",
  subStatus,
  ja: `技能実習（${subStatus}）`,
  en,
  legalBasis: "別表第一の二",
  residenceCard: "yes",
  periods,
  note: "From 2027-04-01 育成就労 replaces 技能実習 for new entrants; 技能実習 continues for those already in it (codes.md §9)",
  source: official("INFERRED", "codes.md §8.1: ISA form has (i)/(ii)/(iii); (a)/(b) INFERRED")
})

/** Every status of residence and 号, in the order of 入管法 別表 (codes.md §8.1), then 特別永住者. */
export const entries: ReadonlyArray<StatusEntry> = [
  {
    key: "diplomat",
    status: "外交",
    ja: "外交",
    en: "Diplomat",
    legalBasis: "別表第一の一",
    residenceCard: "no",
    periods: {
      ordinance: "外交活動の期間",
      fixed: [],
      activityPeriod: true,
      source: byOrdinance("codes.md §8.2; CE encoding NOT FOUND (§7.1)")
    },
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA-EN")
  },
  {
    key: "official",
    status: "公用",
    ja: "公用",
    en: "Official",
    legalBasis: "別表第一の一",
    residenceCard: "no",
    periods: {
      ordinance: "5年、3年、1年、3月、30日又は15日",
      fixed: ["0500", "0300", "0100", "0003", "030", "015"],
      source: byOrdinance()
    },
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA-EN")
  },
  {
    key: "professor",
    status: "教授",
    ja: "教授",
    en: "Professor",
    legalBasis: "別表第一の一",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    source: official()
  },
  {
    key: "artist",
    status: "芸術",
    ja: "芸術",
    en: "Artist",
    legalBasis: "別表第一の一",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    source: official()
  },
  {
    key: "religious_activities",
    status: "宗教",
    ja: "宗教",
    en: "Religious Activities",
    legalBasis: "別表第一の一",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    source: official()
  },
  {
    key: "journalist",
    status: "報道",
    ja: "報道",
    en: "Journalist",
    legalBasis: "別表第一の一",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    source: official()
  },
  {
    key: "highly_skilled_professional_1a",
    status: "高度専門職",
    subStatus: "1号イ",
    ja: "高度専門職（1号イ）",
    en: "Highly Skilled Professional (i)(a)",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: HSP1,
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "highly_skilled_professional_1b",
    status: "高度専門職",
    subStatus: "1号ロ",
    ja: "高度専門職（1号ロ）",
    en: "Highly Skilled Professional (i)(b)",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: HSP1,
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "highly_skilled_professional_1c",
    status: "高度専門職",
    subStatus: "1号ハ",
    ja: "高度専門職（1号ハ）",
    en: "Highly Skilled Professional (i)(c)",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: HSP1,
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "highly_skilled_professional_2",
    status: "高度専門職",
    subStatus: "2号",
    ja: "高度専門職（2号）",
    en: "Highly Skilled Professional (ii)",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: INDEFINITE,
    source: official("INFERRED", "codes.md §8.1: English INFERRED from the (i)(a) pattern")
  },
  {
    key: "business_manager",
    status: "経営・管理",
    ja: "経営・管理",
    en: "Business Manager",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: {
      ordinance: "5年、3年、1年、6月、4月又は3月",
      fixed: ["0500", "0300", "0100", "0006", "0004", "0003"],
      source: byOrdinance("codes.md §8.2; ISA page via copies (ngj.jp, 74gs.jp)")
    },
    note: "Before 2015-04-01: 投資・経営",
    source: official()
  },
  {
    key: "legal_accounting_services",
    status: "法律・会計業務",
    ja: "法律・会計業務",
    en: "Legal/Accounting Services",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    source: official("OFFICIAL (via copy)", "codes.md §8.1; RASENS")
  },
  {
    key: "medical_services",
    status: "医療",
    ja: "医療",
    en: "Medical Services",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    source: official("OFFICIAL (via copy)", "codes.md §8.1; RASENS")
  },
  {
    key: "researcher",
    status: "研究",
    ja: "研究",
    en: "Researcher",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    note: "RASENS also has 研究（転勤） Researcher (Transferee) as an application category, not a status",
    source: official()
  },
  {
    key: "instructor",
    status: "教育",
    ja: "教育",
    en: "Instructor",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    source: official()
  },
  {
    key: "engineer_specialist_humanities_intl",
    status: "技術・人文知識・国際業務",
    ja: "技術・人文知識・国際業務",
    en: "Engineer / Specialist in Humanities / International Services",
    enAliases: ["Engineer/Specialist in Humanities/International Services"],
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    note: "Before 2015-04-01: 技術 and 人文知識・国際業務",
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA forms, RASENS, ISA-EN")
  },
  {
    key: "intra_company_transferee",
    status: "企業内転勤",
    ja: "企業内転勤",
    en: "Intra-company Transferee",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    note: "From 2027-04-01 the law item gains a 第二号, whose period is NOT FOUND (codes.md §9, §13 item 8)",
    source: official()
  },
  {
    key: "nursing_care",
    status: "介護",
    ja: "介護",
    en: "Nursing Care",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    source: official()
  },
  {
    key: "entertainer",
    status: "興行",
    ja: "興行",
    en: "Entertainer",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: {
      ordinance: "3年、1年、6月、3月又は30日",
      fixed: ["0300", "0100", "0006", "0003", "030"],
      since: "2023-08-01",
      previously: "3年、1年、6月、3月又は15日",
      source: {
        provenance: "OFFICIAL",
        inferred: false,
        ref: "codes.md §8.2; https://www.moj.go.jp/isa/applications/status/entertainer.html"
      }
    },
    source: official()
  },
  {
    key: "skilled_labor",
    status: "技能",
    ja: "技能",
    en: "Skilled Labor",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: FIVE_THREE_ONE_3M,
    source: official()
  },
  {
    key: "specified_skilled_worker_1",
    status: "特定技能",
    subStatus: "1号",
    ja: "特定技能（1号）",
    en: "Specified Skilled Worker (i)",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: {
      ordinance: "法務大臣が個々に指定する期間（3年を超えない範囲）",
      fixed: [],
      designatedMax: "0300",
      since: "2025-09-30",
      previously: "法務大臣が個々に指定する期間（1年を超えない範囲）",
      source: byOrdinance("codes.md §8.2, §9; 令和7年法務省令第47号 via sn-hoki.co.jp, jiaec.org")
    },
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "specified_skilled_worker_2",
    status: "特定技能",
    subStatus: "2号",
    ja: "特定技能（2号）",
    en: "Specified Skilled Worker (ii)",
    legalBasis: "別表第一の二",
    residenceCard: "yes",
    periods: {
      ordinance: "3年、2年、1年又は6月",
      fixed: ["0300", "0200", "0100", "0006"],
      since: "2025-09-30",
      previously: "3年、1年又は6月",
      source: byOrdinance("codes.md §8.2, §9; 令和7年法務省令第47号 via sn-hoki.co.jp, jiaec.org")
    },
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  tit("technical_intern_training_1a", "1号イ", "Technical Intern Training (i)(a)", TIT1),
  tit("technical_intern_training_1b", "1号ロ", "Technical Intern Training (i)(b)", TIT1),
  tit("technical_intern_training_2a", "2号イ", "Technical Intern Training (ii)(a)", TIT23),
  tit("technical_intern_training_2b", "2号ロ", "Technical Intern Training (ii)(b)", TIT23),
  tit("technical_intern_training_3a", "3号イ", "Technical Intern Training (iii)(a)", TIT23),
  tit("technical_intern_training_3b", "3号ロ", "Technical Intern Training (iii)(b)", TIT23),
  {
    key: "employment_for_skill_development",
    status: "育成就労",
    ja: "育成就労",
    en: "Employment for Skill Development",
    legalBasis: "別表第一の二",
    residenceCard: "expected",
    effectiveFrom: "2027-04-01",
    note: "令和6年法律第60号. 号 and periods NOT FOUND; the official English name is NOT FOUND (codes.md §13 item 8)",
    source: {
      provenance: "THIRD PARTY",
      inferred: false,
      en: "THIRD PARTY",
      ref: "codes.md §8.1, §9; Japan Times 2025-07-28, meilin-law.jp, ohashijozu.net"
    }
  },
  {
    key: "cultural_activities",
    status: "文化活動",
    ja: "文化活動",
    en: "Cultural Activities",
    legalBasis: "別表第一の三",
    residenceCard: "yes",
    periods: { ordinance: "3年、1年、6月又は3月", fixed: ["0300", "0100", "0006", "0003"], source: byOrdinance() },
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "temporary_visitor",
    status: "短期滞在",
    ja: "短期滞在",
    en: "Temporary Visitor",
    legalBasis: "別表第一の三",
    residenceCard: "no",
    periods: {
      ordinance: "90日若しくは30日又は15日以内の日を単位とする期間",
      fixed: ["090", "030"],
      daysUpTo: 15,
      source: byOrdinance()
    },
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA-EN")
  },
  {
    key: "student",
    status: "留学",
    ja: "留学",
    en: "Student",
    enAliases: ["College Student"],
    legalBasis: "別表第一の四",
    residenceCard: "yes",
    periods: {
      ordinance: "法務大臣が個々に指定する期間（4年3月を超えない範囲）",
      fixed: [],
      designatedMax: "0403",
      common: ["0403", "0400", "0303", "0300", "0203", "0200", "0103", "0100", "0006", "0003"],
      source: byOrdinance("codes.md §8.2; hayashi-office, yonei-office (common values)")
    },
    note: "English before 2010: College Student",
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "trainee",
    status: "研修",
    ja: "研修",
    en: "Trainee",
    legalBasis: "別表第一の四",
    residenceCard: "yes",
    periods: { ordinance: "1年、6月又は3月", fixed: ["0100", "0006", "0003"], source: byOrdinance() },
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "dependent",
    status: "家族滞在",
    ja: "家族滞在",
    en: "Dependent",
    legalBasis: "別表第一の四",
    residenceCard: "yes",
    periods: {
      ordinance: "法務大臣が個々に指定する期間（5年を超えない範囲）",
      fixed: [],
      designatedMax: "0500",
      source: byOrdinance()
    },
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "designated_activities",
    status: "特定活動",
    ja: "特定活動",
    en: "Designated Activities",
    legalBasis: "別表第一の五",
    residenceCard: "partly",
    periods: {
      ordinance: "5年、3年、1年、6月、3月又は法務大臣が個々に指定する期間（5年を超えない範囲）",
      fixed: ["0500", "0300", "0100", "0006", "0003"],
      designatedMax: "0500",
      source: byOrdinance("codes.md §8.2; ISA page via ngj.jp")
    },
    note: "No card for staff of 台湾日本関係協会 / 駐日パレスチナ総代表部 and their families. The 告示 number is in the 指定書, not in the status name",
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "permanent_resident",
    status: "永住者",
    ja: "永住者",
    en: "Permanent Resident",
    legalBasis: "別表第二",
    residenceCard: "yes",
    periods: INDEFINITE,
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA-EN, sendy-app list")
  },
  {
    key: "spouse_or_child_of_japanese_national",
    status: "日本人の配偶者等",
    ja: "日本人の配偶者等",
    en: "Spouse or Child of Japanese National",
    legalBasis: "別表第二",
    residenceCard: "yes",
    periods: SPOUSE,
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "spouse_or_child_of_permanent_resident",
    status: "永住者の配偶者等",
    ja: "永住者の配偶者等",
    en: "Spouse or Child of Permanent Resident",
    legalBasis: "別表第二",
    residenceCard: "yes",
    periods: SPOUSE,
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form")
  },
  {
    key: "long_term_resident",
    status: "定住者",
    ja: "定住者",
    en: "Long Term Resident",
    enAliases: ["Long-Term Resident"],
    legalBasis: "別表第二",
    residenceCard: "yes",
    periods: {
      ordinance: "5年、3年、1年、6月又は法務大臣が個々に指定する期間（5年を超えない範囲）",
      fixed: ["0500", "0300", "0100", "0006"],
      designatedMax: "0500",
      source: byOrdinance("codes.md §8.2; ISA English page via ngj.jp")
    },
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA form; ngj.jp copy of ISA English")
  },
  {
    key: "special_permanent_resident",
    status: "特別永住者",
    ja: "特別永住者",
    en: "Special Permanent Resident",
    legalBasis: "入管特例法",
    residenceCard: "no",
    note: "Not a 在留資格 (入管特例法); holders get a 特別永住者証明書 (card type 2, 06, 08) instead of a residence card",
    source: official("OFFICIAL (via copy)", "codes.md §8.1; ISA-EN")
  }
]

const byKeyMap = new Map(entries.map((e) => [e.key, e]))

/** The entry with this `key`. */
export const byKey = (key: string): StatusEntry | undefined => byKeyMap.get(key)

const normalize = (s: string) => s.normalize("NFKC").replace(/[\s()]/g, "")

/**
 * The entry whose Japanese name matches, ignoring spaces, brackets and width: `留学`, `高度専門職（1号イ）`,
 * `高度専門職1号イ`, `特定技能（１号）`. A status that has several 号 matches by its bare name only if the name
 * alone identifies one entry (so `高度専門職` gives `undefined`).
 */
export const byJapanese = (name: string): StatusEntry | undefined => {
  const n = normalize(name)
  const exact = entries.filter((e) => normalize(e.ja) === n)
  if (exact.length === 1) return exact[0]
  const bare = entries.filter((e) => normalize(e.status) === n)
  return bare.length === 1 ? bare[0] : undefined
}

/** The periods of an entry, parsed from their `CE` form. Throws only if the table itself is broken. */
export const fixedPeriods = (entry: StatusEntry): ReadonlyArray<ResidencePeriod.ResidencePeriod> =>
  (entry.periods?.fixed ?? []).map(parseOrThrow)

const parseOrThrow = (code: string): ResidencePeriod.ResidencePeriod => {
  const r = ResidencePeriod.parse(code)
  if (r._tag === "Error") throw new Error(r.message)
  return r.period
}

/**
 * Whether 施行規則 別表第二 allows `period` for this status: `true` / `false`, or `undefined` when the rule cannot
 * be evaluated (外交's 「外交活動の期間」, 育成就労, 特別永住者). A day count against a designated maximum in years
 * is compared leniently (see `ResidencePeriod.isWithin`). This checks the ordinance only, not the card: cards are
 * not issued for 3 months or less (入管法19条の3), and the chip can hold any `YYMM` or `DDD` value.
 */
export const allowsPeriod = (entry: StatusEntry, period: ResidencePeriod.ResidencePeriod): boolean | undefined => {
  const p = entry.periods
  if (p === undefined || p.activityPeriod === true) return undefined
  const code = ResidencePeriod.encode(period)
  if (p.fixed.includes(code)) return true
  if (p.daysUpTo !== undefined && period._tag === "Days" && period.days <= p.daysUpTo) return true
  if (p.designatedMax !== undefined && period._tag !== "Indefinite") {
    return ResidencePeriod.isWithin(period, parseOrThrow(p.designatedMax))
  }
  return false
}
