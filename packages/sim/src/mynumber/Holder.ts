/**
 * Holder and card data of the simulated My Number card, its two presets, and the credentials derived from them
 * (照合番号A, 照合番号B, the 生年月日 key), after `shared/reference/mynumber-card.md` §6.3.
 *
 * @since 0.1.0
 */

/** 性別 as the card stores it (ISO/IEC 5218 / JIS X 0303): `1` male, `2` female, `9` not applicable, `0` unknown. */
export type Sex = "0" | "1" | "2" | "9"

/** The calendar the birth date is printed in on the card face: Japanese era for nationals, Western otherwise. */
export type BirthDateCalendar = "japanese" | "western"

/** Holder and card data. Every field is what the card stores or prints; nothing here is derived. */
export interface Holder {
  /** 氏名, UTF-8 on the card; family and given name separated by U+3000 (nationals) or a space (Latin names). */
  readonly name: string
  /** 住所, UTF-8 on the card (full-width digits, as printed). */
  readonly address: string
  /** 生年月日, Gregorian `YYYYMMDD` (the records always store it this way, whatever the printed calendar). */
  readonly birthDate: string
  readonly sex: Sex
  /** 個人番号: 12 digits with a valid check digit. */
  readonly myNumber: string
  /**
   * How the birth date is printed: `japanese` (era) for Japanese nationals, `western` for foreign residents. It
   * decides the first six digits of 照合番号B and the kenkaku 生年月日 key (§6.3).
   */
  readonly birthDateCalendar: BirthDateCalendar
  /** セキュリティコード printed on the card front: 4 digits. */
  readonly securityCode: string
  /** 有効期限 of the card, Gregorian `YYYYMMDD`. */
  readonly expiry: string
  /** 全国地方公共団体コード of the issuing municipality: 5 digits (no check digit). */
  readonly municipalityCode: string
  /** Card serial number (製造番号) in the common AP's card-info record: 15 digits. */
  readonly serialNumber: string
}

/**
 * A Japanese national: 見本　花子, the holder drawn in the committed fixture images (`packages/sim/fixtures/README.md`):
 * born 1985-04-01 (昭和60), so 照合番号B is `600401` + `2035` + `5678`.
 */
export const japaneseNational: Holder = {
  name: "見本　花子",
  address: "東京都千代田区霞が関２丁目１番２号",
  birthDate: "19850401",
  sex: "2",
  myNumber: "123456789018",
  birthDateCalendar: "japanese",
  securityCode: "5678",
  expiry: "20350401",
  municipalityCode: "13101",
  serialNumber: "990000000000001"
}

/**
 * A foreign resident whose birth date is printed in the Western calendar: SAMPLE JOHN, born 1990-07-15 (平成2, so
 * the era form `020715` differs from the Western `900715` the card expects). Same (public office) address as the
 * national preset, so the fixture address image fits; the name image is rendered by the simulator.
 */
export const foreignResident: Holder = {
  name: "SAMPLE JOHN",
  address: "東京都千代田区霞が関２丁目１番２号",
  birthDate: "19900715",
  sex: "1",
  myNumber: "987654321018",
  birthDateCalendar: "western",
  securityCode: "4321",
  expiry: "20300331",
  municipalityCode: "13101",
  serialNumber: "990000000000002"
}

/** The presets by name. */
export const Presets = { japaneseNational, foreignResident } as const
export type PresetName = keyof typeof Presets

/**
 * 個人番号 check digit of the first 11 digits: with Pₙ the n-th digit from the right and Qₙ = n + 1 (n ≤ 6) or
 * n − 5 (n ≥ 7), r = Σ Pₙ·Qₙ mod 11; the digit is 0 when r ≤ 1, else 11 − r.
 */
export const myNumberCheckDigit = (first11: string): number => {
  if (!/^[0-9]{11}$/.test(first11)) throw new RangeError("the check digit needs exactly 11 digits")
  let sum = 0
  for (let n = 1; n <= 11; n++) {
    const p = first11.charCodeAt(11 - n) - 0x30
    const q = n <= 6 ? n + 1 : n - 5
    sum += p * q
  }
  const remainder = sum % 11
  return remainder <= 1 ? 0 : 11 - remainder
}

export const isValidMyNumber = (value: string): boolean =>
  /^[0-9]{12}$/.test(value) && myNumberCheckDigit(value.slice(0, 11)) === value.charCodeAt(11) - 0x30

interface YearMonthDay {
  readonly year: number
  readonly month: number
  readonly day: number
}

/**
 * Parses a Gregorian `YYYYMMDD` that names a real date, or throws a `RangeError` naming `what`. The messages do not
 * quote the date: the birth date and the expiry are parts of 照合番号B and of the 生年月日 key.
 */
export const parseDate = (value: string, what: string): YearMonthDay => {
  if (!/^[0-9]{8}$/.test(value)) throw new RangeError(`${what}: expected YYYYMMDD`)
  const year = Number(value.slice(0, 4))
  const month = Number(value.slice(4, 6))
  const day = Number(value.slice(6, 8))
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new RangeError(`${what}: not a calendar date`)
  }
  return { year, month, day }
}

/** Japanese eras with the first day of each (MC's boundaries, reference §6.3). */
const ERAS: ReadonlyArray<{ readonly name: string; readonly first: string; readonly offset: number }> = [
  { name: "令和", first: "20190501", offset: 2018 },
  { name: "平成", first: "19890108", offset: 1988 },
  { name: "昭和", first: "19261225", offset: 1925 },
  { name: "大正", first: "19120730", offset: 1911 },
  { name: "明治", first: "18680125", offset: 1867 }
]

/** The era and era year of a Gregorian date (元年 = 1). Dates before 1868-01-25 are rejected (§6.3). */
export const eraOf = (birthDate: string): { readonly era: string; readonly year: number } => {
  const { year } = parseDate(birthDate, "birth date")
  const era = ERAS.find((e) => birthDate >= e.first)
  if (era === undefined) throw new RangeError("birth date: before 明治 (1868-01-25)")
  return { era: era.name, year: year - era.offset }
}

const two = (n: number) => String(n).padStart(2, "0")

/**
 * The six birth-date digits of 照合番号B and of the kenkaku 生年月日 key: `EE MM DD` with the two-digit era year for
 * `japanese`, `YY MM DD` with the last two digits of the Gregorian year for `western` (§6.3; the Western form for
 * foreign residents is the reference's [guess], by analogy with the 住基カード).
 */
export const birthDateDigits = (birthDate: string, calendar: BirthDateCalendar): string => {
  const { year, month, day } = parseDate(birthDate, "birth date")
  const yy = calendar === "japanese" ? eraOf(birthDate).year : year % 100
  if (yy > 99) throw new RangeError("birth date: the era year does not fit two digits")
  return `${two(yy)}${two(month)}${two(day)}`
}

/** 照合番号A: the 12-digit My Number. */
export const verificationCodeA = (holder: Holder): string => holder.myNumber

/** 照合番号B (14 digits): birth `YYMMDD` in the printed calendar ‖ expiry year (Gregorian) ‖ security code. */
export const verificationCodeB = (holder: Holder): string =>
  `${birthDateDigits(holder.birthDate, holder.birthDateCalendar)}${holder.expiry.slice(0, 4)}${holder.securityCode}`

/** The kenkaku 生年月日 key (EF0011): the first six digits of 照合番号B. */
export const birthDateKey = (holder: Holder): string => birthDateDigits(holder.birthDate, holder.birthDateCalendar)

/** Checks every field; throws a `RangeError` naming the first bad one. */
export const validate = (holder: Holder): Holder => {
  const fail = (field: string, why: string): never => {
    throw new RangeError(`holder.${field}: ${why}`)
  }
  if (holder.name.length === 0) fail("name", "empty")
  if (holder.address.length === 0) fail("address", "empty")
  parseDate(holder.birthDate, "holder.birthDate")
  parseDate(holder.expiry, "holder.expiry")
  if (!["0", "1", "2", "9"].includes(holder.sex)) fail("sex", `expected 0, 1, 2 or 9, got ${holder.sex}`)
  if (!isValidMyNumber(holder.myNumber)) fail("myNumber", "expected 12 digits with a valid check digit")
  if (holder.birthDateCalendar !== "japanese" && holder.birthDateCalendar !== "western") {
    fail("birthDateCalendar", "expected japanese or western")
  }
  if (!/^[0-9]{4}$/.test(holder.securityCode)) fail("securityCode", "expected 4 digits")
  if (!/^[0-9]{5}$/.test(holder.municipalityCode)) fail("municipalityCode", "expected 5 digits")
  if (!/^[0-9]{15}$/.test(holder.serialNumber)) fail("serialNumber", "expected 15 digits")
  birthDateDigits(holder.birthDate, holder.birthDateCalendar)
  return holder
}
