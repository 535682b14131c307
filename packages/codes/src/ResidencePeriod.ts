/**
 * 在留期間 (period of stay), second-generation DF1/EF02 tag `CE` (max 4 ASCII characters).
 *
 * Encoding (codes.md §7.1, IMPL: libjeid rc2 viewer and eringoio `interpret_period_of_stay_*`):
 *
 * | raw | meaning |
 * |---|---|
 * | `0000` | 無期限, indefinite (永住者, 高度専門職2号) |
 * | 4 digits `YYMM` | YY years and MM months (`0403` = 4年3月, `0006` = 6月) |
 * | 3 digits `DDD` | DDD days (`090` = 90日) |
 *
 * The two numeric forms are told apart by their **length**: the TLV value is 4 characters for `YYMM` and 3 for
 * `DDD` (both IMPL sources branch on `len(raw)`). So `"0090"` is not 90 days: it is 0 years 90 months, which is
 * rejected. Right-padding with spaces or NUL bytes is ignored (eringoio strips both; INFERRED to be harmless).
 *
 * Beyond the format, these are rejected as impossible (INFERRED from the ordinance, which never gives 12 or more
 * months: a year is written as years): months `12`–`99` in `YYMM`, and `000` days.
 *
 * How 外交 (外交活動の期間) would be encoded is NOT FOUND (外交 holders get no card).
 *
 * @since 0.1.0
 */
import { Effect, Schema, SchemaGetter, SchemaIssue } from "effect"
import { stripPadding } from "./CodedValue.js"

/** YY years and MM months (`YYMM`), at least one of them non-zero. */
export const YearsMonths = Schema.TaggedStruct("YearsMonths", {
  years: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 99 })),
  months: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 11 }))
}).check(
  Schema.makeFilter((p) => (p.years === 0 && p.months === 0 ? "0 years 0 months is written 0000: Indefinite" : true))
)
export type YearsMonths = typeof YearsMonths.Type

/** A number of days (`DDD`), 1–999. */
export const Days = Schema.TaggedStruct("Days", {
  days: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 999 }))
})
export type Days = typeof Days.Type

/** `0000`: 無期限. */
export const Indefinite = Schema.TaggedStruct("Indefinite", {})
export type Indefinite = typeof Indefinite.Type

/** The decoded period of stay. */
export const ResidencePeriod = Schema.Union([YearsMonths, Days, Indefinite])
export type ResidencePeriod = typeof ResidencePeriod.Type

/** Constructors. */
export const yearsMonths = (years: number, months = 0): ResidencePeriod => ({ _tag: "YearsMonths", years, months })
export const days = (days: number): ResidencePeriod => ({ _tag: "Days", days })
export const indefinite: ResidencePeriod = { _tag: "Indefinite" }

const FORMAT = `"YYMM" (years and months), "DDD" (days) or "0000" (indefinite)`

/**
 * Parses a raw `CE` value. Returns the period, or a message saying what is wrong. This is the function behind
 * {@link FromCode}; use that schema at the edges.
 */
export const parse = (
  input: string
): { readonly _tag: "Ok"; readonly period: ResidencePeriod } | { readonly _tag: "Error"; readonly message: string } => {
  const shown = JSON.stringify(input)
  const s = stripPadding(input)
  if (s.length !== 3 && s.length !== 4) {
    return {
      _tag: "Error",
      message: `period of stay (CE) must be 4 digits (YYMM or 0000) or 3 digits (DDD): ${FORMAT}; got ${s.length} characters ${shown}`
    }
  }
  if (!/^[0-9]+$/.test(s)) {
    return { _tag: "Error", message: `period of stay (CE) must contain only the digits 0-9: ${FORMAT}; got ${shown}` }
  }
  if (s.length === 3) {
    const d = Number(s)
    if (d === 0) return { _tag: "Error", message: `period of stay (CE) ${shown}: a day count (DDD) must be 001-999` }
    return { _tag: "Ok", period: days(d) }
  }
  if (s === "0000") return { _tag: "Ok", period: indefinite }
  const years = Number(s.slice(0, 2))
  const months = Number(s.slice(2, 4))
  if (months > 11) {
    return {
      _tag: "Error",
      message: `period of stay (CE) ${shown}: months must be 00-11 in YYMM form (got ${months}); a day count is 3 digits (DDD)`
    }
  }
  return { _tag: "Ok", period: yearsMonths(years, months) }
}

/** The raw `CE` form of a period: `YYMM`, `DDD` or `0000`. */
export const encode = (period: ResidencePeriod): string => {
  switch (period._tag) {
    case "Indefinite":
      return "0000"
    case "Days":
      return String(period.days).padStart(3, "0")
    case "YearsMonths":
      return String(period.years).padStart(2, "0") + String(period.months).padStart(2, "0")
  }
}

/**
 * Schema: the raw `CE` string → `ResidencePeriod`. A non-numeric, wrongly sized or impossible value fails with
 * an `InvalidValue` issue whose message says what was expected.
 */
export const FromCode = Schema.String.pipe(
  Schema.decodeTo(ResidencePeriod, {
    decode: SchemaGetter.transformEffect((s: string) => {
      const r = parse(s)
      return r._tag === "Ok"
        ? Effect.succeed(r.period)
        : Effect.fail(new SchemaIssue.InvalidValue({ message: r.message }, s))
    }),
    encode: SchemaGetter.transform(encode)
  })
)

/** Japanese rendering as on the card face: `5年`, `4年3月`, `6月`, `90日`, `無期限` (codes.md §7.2). */
export const toJapanese = (period: ResidencePeriod): string => {
  switch (period._tag) {
    case "Indefinite":
      return "無期限"
    case "Days":
      return `${period.days}日`
    case "YearsMonths":
      return `${period.years > 0 ? `${period.years}年` : ""}${period.months > 0 ? `${period.months}月` : ""}`
  }
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`

/** English in ISA's style: `5 years`, `1 year 3 months`, `90 days`, `Indefinite` (codes.md §7.2). */
export const toEnglish = (period: ResidencePeriod): string => {
  switch (period._tag) {
    case "Indefinite":
      return "Indefinite"
    case "Days":
      return plural(period.days, "day")
    case "YearsMonths":
      return [
        period.years > 0 ? plural(period.years, "year") : "",
        period.months > 0 ? plural(period.months, "month") : ""
      ]
        .filter((part) => part !== "")
        .join(" ")
  }
}

/** Both renderings. */
export const label = (period: ResidencePeriod): { readonly ja: string; readonly en: string } => ({
  ja: toJapanese(period),
  en: toEnglish(period)
})

/**
 * The length of a finite period in months, or `undefined` for days and indefinite periods. Used to compare with
 * the ordinance maxima.
 */
export const totalMonths = (period: ResidencePeriod): number | undefined =>
  period._tag === "YearsMonths" ? period.years * 12 + period.months : undefined

/**
 * `true` when `period` lasts no longer than `max`, a `YearsMonths` bound. A day count is compared with the
 * bound's upper estimate in days (365 a year, 31 a month): lenient, for plausibility checks only.
 */
export const isWithin = (period: ResidencePeriod, max: ResidencePeriod): boolean => {
  const maxMonths = totalMonths(max)
  if (max._tag === "Indefinite") return true
  if (period._tag === "Indefinite") return false
  if (max._tag === "Days") return period._tag === "Days" && period.days <= max.days
  if (period._tag === "Days") return period.days <= max.years * 365 + max.months * 31
  return (totalMonths(period) ?? 0) <= (maxMonths ?? 0)
}

/** Structural equality. */
export const equals = (a: ResidencePeriod, b: ResidencePeriod): boolean => encode(a) === encode(b)
