/**
 * 国籍・地域 (nationality and region): the public lists closest to the table ISA keeps private.
 *
 * Public reference data, **not the card code**. The card stores 国籍・地域 as a code of at most 3 bytes (DF1/EF02
 * tag `C8`) from a table ISA lends only to vendors (codes.md §0, §10.1: NOT PUBLIC). Use `CodeTables` to turn a
 * `C8` code into an entry here.
 *
 * Columns (codes.md §10.4):
 * - `statsCode`: ISA 在留外国人統計 code `RR_NNN` (`RR` = 州, `NNN` = serial), OFFICIAL (via copy:
 *   bearicekma/stats-api `app/data/zairyu_kokuseki.csv`). Gaps in the serials are unexplained and not filled.
 * - `ja`: the name ISA uses (the statistics list and the online system RASENS agree).
 * - `en`: the English label of the ISA online system RASENS, OFFICIAL (via copy).
 * - `iso`: ISO 3166-1 alpha-2 / alpha-3 / numeric, matched **by name** against Debian `iso-codes` 4.15.0: the
 *   mapping is INFERRED (`iso.source.inferred === true`), though every triple was checked against that file.
 * - Entries ISO lacks: 朝鮮 (not North Korea: never KP/PRK), 無国籍 (ICAO 9303 `XXA`), コソボ (user-assigned
 *   `XK`/`XKX`), セルビア・モンテネグロ (withdrawn `CS`/`SCG`/`891`). Entries the ISA lists lack: バチカン (RASENS
 *   only), 日本 (RASENS family lists only), 香港 and マカオ (ISO only; holders are reportedly shown as 中国).
 *
 * @since 0.1.0
 */
import type { Source } from "./CodedValue.js"

/** 州 of the ISA statistics code (`RR` of `RR_NNN`). English names INFERRED. */
export const regions = {
  "01": { ja: "アジア", en: "Asia" },
  "02": { ja: "ヨーロッパ", en: "Europe" },
  "03": { ja: "アフリカ", en: "Africa" },
  "04": { ja: "北米", en: "North America" },
  "05": { ja: "南米", en: "South America" },
  "06": { ja: "オセアニア", en: "Oceania" },
  "07": { ja: "無国籍", en: "Stateless" }
} as const
export type Region = keyof typeof regions

/** ISO 3166-1 codes of an entry. `status` is `assigned` unless the code is user-assigned or withdrawn. */
export interface Iso {
  readonly alpha2: string
  readonly alpha3: string
  /** Three digits; absent for user-assigned codes. */
  readonly numeric?: string
  readonly status: "assigned" | "user-assigned" | "withdrawn"
  /** Always INFERRED: matched by name (codes.md §10.4). */
  readonly source: Source
}

export interface NationalityEntry {
  /** Stable identifier: the ISA statistics code, or the ISO alpha-3 code for entries without one. Not the card code. */
  readonly key: string
  readonly statsCode?: string
  readonly region?: Region
  readonly ja: string
  /** Other Japanese names of the same entry (the statistics list's variants). */
  readonly aliases?: ReadonlyArray<string>
  readonly en?: string
  readonly iso?: Iso
  /** ICAO 9303 code where the entry has no ISO code (無国籍: `XXA`). */
  readonly icao?: string
  /** 地域 (region, 入管法2条5号ロ) rather than a state: 台湾, パレスチナ. */
  readonly isRegion?: true
  /** Which ISA lists hold the entry: the statistics code list and/or the online system RASENS. */
  readonly lists: ReadonlyArray<"statistics" | "rasens">
  readonly note?: string
  /** Provenance of the names. */
  readonly source: Source
}

const names: Source = {
  provenance: "OFFICIAL (via copy)",
  inferred: false,
  ref: "codes.md §10.4; ISA 在留外国人統計 code list and RASENS, via copies"
}
const isoByName: Source = {
  provenance: "INFERRED",
  inferred: true,
  ref: "codes.md §10.4: matched by name against Debian iso-codes 4.15.0 iso_3166-1.json"
}
const iso = (alpha2: string, alpha3: string, numeric: string): Iso => ({
  alpha2,
  alpha3,
  numeric,
  status: "assigned",
  source: isoByName
})

// [ISA statistics code, 国籍・地域, English (RASENS), ISO alpha-2, alpha-3, numeric]; codes.md §10.4.
type Row = readonly [string, string, string, string, string, string]
const rows: ReadonlyArray<Row> = [
  ["01_001", "アフガニスタン", "Afghanistan", "AF", "AFG", "004"],
  ["01_002", "アラブ首長国連邦", "United Arab Emirates", "AE", "ARE", "784"],
  ["01_003", "イエメン", "Yemen", "YE", "YEM", "887"],
  ["01_004", "イスラエル", "Israel", "IL", "ISR", "376"],
  ["01_005", "イラク", "Iraq", "IQ", "IRQ", "368"],
  ["01_006", "イラン", "Iran", "IR", "IRN", "364"],
  ["01_007", "インド", "India", "IN", "IND", "356"],
  ["01_008", "インドネシア", "Indonesia", "ID", "IDN", "360"],
  ["01_009", "オマーン", "Oman", "OM", "OMN", "512"],
  ["01_010", "カタール", "Qatar", "QA", "QAT", "634"],
  ["01_011", "韓国", "Republic of Korea", "KR", "KOR", "410"],
  ["01_014", "カンボジア", "Cambodia", "KH", "KHM", "116"],
  ["01_015", "キプロス", "Cyprus", "CY", "CYP", "196"],
  ["01_016", "クウェート", "Kuwait", "KW", "KWT", "414"],
  ["01_017", "サウジアラビア", "Saudi Arabia", "SA", "SAU", "682"],
  ["01_018", "シリア", "Syria", "SY", "SYR", "760"],
  ["01_019", "シンガポール", "Singapore", "SG", "SGP", "702"],
  ["01_020", "スリランカ", "Sri Lanka", "LK", "LKA", "144"],
  ["01_021", "タイ", "Thailand", "TH", "THA", "764"],
  ["01_022", "台湾", "Taiwan", "TW", "TWN", "158"],
  ["01_023", "中国", "People's Republic of China", "CN", "CHN", "156"],
  ["01_026", "トルコ", "Turkey", "TR", "TUR", "792"],
  ["01_028", "ネパール", "Nepal", "NP", "NPL", "524"],
  ["01_029", "バーレーン", "Bahrain", "BH", "BHR", "048"],
  ["01_030", "パキスタン", "Pakistan", "PK", "PAK", "586"],
  ["01_031", "パレスチナ", "Palestine", "PS", "PSE", "275"],
  ["01_032", "バングラデシュ", "Bangladesh", "BD", "BGD", "050"],
  ["01_033", "東ティモール", "Timor-Leste", "TL", "TLS", "626"],
  ["01_034", "フィリピン", "Philippines", "PH", "PHL", "608"],
  ["01_035", "ブータン", "Bhutan", "BT", "BTN", "064"],
  ["01_036", "ブルネイ", "Brunei", "BN", "BRN", "096"],
  ["01_037", "ベトナム", "Viet Nam", "VN", "VNM", "704"],
  ["01_038", "マレーシア", "Malaysia", "MY", "MYS", "458"],
  ["01_039", "ミャンマー", "Myanmar", "MM", "MMR", "104"],
  ["01_040", "モルディブ", "Maldives", "MV", "MDV", "462"],
  ["01_041", "モンゴル", "Mongolia", "MN", "MNG", "496"],
  ["01_042", "ヨルダン", "Jordan", "JO", "JOR", "400"],
  ["01_043", "ラオス", "Laos", "LA", "LAO", "418"],
  ["01_044", "レバノン", "Lebanon", "LB", "LBN", "422"],
  ["02_045", "アイスランド", "Iceland", "IS", "ISL", "352"],
  ["02_046", "アイルランド", "Ireland", "IE", "IRL", "372"],
  ["02_047", "アゼルバイジャン", "Azerbaijan", "AZ", "AZE", "031"],
  ["02_048", "アルバニア", "Albania", "AL", "ALB", "008"],
  ["02_049", "アルメニア", "Armenia", "AM", "ARM", "051"],
  ["02_050", "アンドラ", "Andorra", "AD", "AND", "020"],
  ["02_051", "イタリア", "Italy", "IT", "ITA", "380"],
  ["02_052", "ウクライナ", "Ukraine", "UA", "UKR", "804"],
  ["02_053", "ウズベキスタン", "Uzbekistan", "UZ", "UZB", "860"],
  ["02_054", "英国", "United Kingdom", "GB", "GBR", "826"],
  ["02_056", "エストニア", "Estonia", "EE", "EST", "233"],
  ["02_057", "オーストリア", "Austria", "AT", "AUT", "040"],
  ["02_058", "オランダ", "Netherlands", "NL", "NLD", "528"],
  ["02_059", "カザフスタン", "Kazakhstan", "KZ", "KAZ", "398"],
  ["02_060", "北マケドニア", "North Macedonia", "MK", "MKD", "807"],
  ["02_061", "ギリシャ", "Greece", "GR", "GRC", "300"],
  ["02_062", "キルギス", "Kyrgyz Republic", "KG", "KGZ", "417"],
  ["02_063", "クロアチア", "Croatia", "HR", "HRV", "191"],
  ["02_065", "サンマリノ", "San Marino", "SM", "SMR", "674"],
  ["02_066", "ジョージア", "Georgia", "GE", "GEO", "268"],
  ["02_067", "スイス", "Switzerland", "CH", "CHE", "756"],
  ["02_068", "スウェーデン", "Sweden", "SE", "SWE", "752"],
  ["02_069", "スペイン", "Spain", "ES", "ESP", "724"],
  ["02_070", "スロバキア", "Slovakia", "SK", "SVK", "703"],
  ["02_071", "スロベニア", "Slovenia", "SI", "SVN", "705"],
  ["02_072", "セルビア", "Serbia", "RS", "SRB", "688"],
  ["02_074", "タジキスタン", "Tajikistan", "TJ", "TJK", "762"],
  ["02_075", "チェコ", "Czech Republic", "CZ", "CZE", "203"],
  ["02_077", "デンマーク", "Denmark", "DK", "DNK", "208"],
  ["02_078", "ドイツ", "Germany", "DE", "DEU", "276"],
  ["02_079", "トルクメニスタン", "Turkmenistan", "TM", "TKM", "795"],
  ["02_080", "ノルウェー", "Norway", "NO", "NOR", "578"],
  ["02_082", "ハンガリー", "Hungary", "HU", "HUN", "348"],
  ["02_083", "フィンランド", "Finland", "FI", "FIN", "246"],
  ["02_084", "フランス", "France", "FR", "FRA", "250"],
  ["02_085", "ブルガリア", "Bulgaria", "BG", "BGR", "100"],
  ["02_086", "ベラルーシ", "Belarus", "BY", "BLR", "112"],
  ["02_087", "ベルギー", "Belgium", "BE", "BEL", "056"],
  ["02_088", "ポーランド", "Poland", "PL", "POL", "616"],
  ["02_089", "ボスニア・ヘルツェゴビナ", "Bosnia and Herzegovina", "BA", "BIH", "070"],
  ["02_090", "ポルトガル", "Portugal", "PT", "PRT", "620"],
  ["02_091", "マルタ", "Malta", "MT", "MLT", "470"],
  ["02_092", "モナコ", "Monaco", "MC", "MCO", "492"],
  ["02_093", "モルドバ", "Moldova", "MD", "MDA", "498"],
  ["02_094", "モンテネグロ", "Montenegro", "ME", "MNE", "499"],
  ["02_096", "ラトビア", "Latvia", "LV", "LVA", "428"],
  ["02_097", "リトアニア", "Lithuania", "LT", "LTU", "440"],
  ["02_098", "リヒテンシュタイン", "Liechtenstein", "LI", "LIE", "438"],
  ["02_099", "ルーマニア", "Romania", "RO", "ROU", "642"],
  ["02_100", "ルクセンブルク", "Luxembourg", "LU", "LUX", "442"],
  ["02_101", "ロシア", "Russia", "RU", "RUS", "643"],
  ["03_102", "アルジェリア", "Algeria", "DZ", "DZA", "012"],
  ["03_103", "アンゴラ", "Angola", "AO", "AGO", "024"],
  ["03_104", "ウガンダ", "Uganda", "UG", "UGA", "800"],
  ["03_105", "エジプト", "Egypt", "EG", "EGY", "818"],
  ["03_106", "エスワティニ", "Eswatini", "SZ", "SWZ", "748"],
  ["03_107", "エチオピア", "Ethiopia", "ET", "ETH", "231"],
  ["03_108", "エリトリア", "Eritrea", "ER", "ERI", "232"],
  ["03_109", "ガーナ", "Ghana", "GH", "GHA", "288"],
  ["03_110", "カーボベルデ", "Cape Verde", "CV", "CPV", "132"],
  ["03_111", "ガボン", "Gabon", "GA", "GAB", "266"],
  ["03_112", "カメルーン", "Cameroon", "CM", "CMR", "120"],
  ["03_113", "ガンビア", "The Gambia", "GM", "GMB", "270"],
  ["03_114", "ギニア", "Guinea", "GN", "GIN", "324"],
  ["03_115", "ギニアビサウ", "Guinea-Bissau", "GW", "GNB", "624"],
  ["03_116", "ケニア", "Kenya", "KE", "KEN", "404"],
  ["03_117", "コートジボワール", "Cote d'Ivoire", "CI", "CIV", "384"],
  ["03_118", "コモロ", "Comoros", "KM", "COM", "174"],
  ["03_119", "コンゴ共和国", "Republic of Congo", "CG", "COG", "178"],
  ["03_120", "コンゴ民主共和国", "Democratic Republic of the Congo", "CD", "COD", "180"],
  ["03_121", "サントメ・プリンシペ", "Sao Tome and Principe", "ST", "STP", "678"],
  ["03_122", "ザンビア", "Zambia", "ZM", "ZMB", "894"],
  ["03_123", "シエラレオネ", "Sierra Leone", "SL", "SLE", "694"],
  ["03_124", "ジブチ", "Djibouti", "DJ", "DJI", "262"],
  ["03_125", "ジンバブエ", "Zimbabwe", "ZW", "ZWE", "716"],
  ["03_126", "スーダン", "Sudan", "SD", "SDN", "729"],
  ["03_127", "セーシェル", "Seychelles", "SC", "SYC", "690"],
  ["03_128", "赤道ギニア", "Equatorial Guinea", "GQ", "GNQ", "226"],
  ["03_129", "セネガル", "Senegal", "SN", "SEN", "686"],
  ["03_130", "ソマリア", "Somalia", "SO", "SOM", "706"],
  ["03_131", "タンザニア", "Tanzania", "TZ", "TZA", "834"],
  ["03_132", "チャド", "Chad", "TD", "TCD", "148"],
  ["03_133", "中央アフリカ", "Central Africa", "CF", "CAF", "140"],
  ["03_134", "チュニジア", "Tunisia", "TN", "TUN", "788"],
  ["03_135", "トーゴ", "Togo", "TG", "TGO", "768"],
  ["03_136", "ナイジェリア", "Nigeria", "NG", "NGA", "566"],
  ["03_137", "ナミビア", "Namibia", "NA", "NAM", "516"],
  ["03_138", "ニジェール", "Niger", "NE", "NER", "562"],
  ["03_139", "ブルキナファソ", "Burkina Faso", "BF", "BFA", "854"],
  ["03_140", "ブルンジ", "Burundi", "BI", "BDI", "108"],
  ["03_141", "ベナン", "Benin", "BJ", "BEN", "204"],
  ["03_142", "ボツワナ", "Botswana", "BW", "BWA", "072"],
  ["03_143", "マダガスカル", "Madagascar", "MG", "MDG", "450"],
  ["03_144", "マラウイ", "Malawi", "MW", "MWI", "454"],
  ["03_145", "マリ", "Mali", "ML", "MLI", "466"],
  ["03_146", "南アフリカ共和国", "Republic of South Africa", "ZA", "ZAF", "710"],
  ["03_147", "南スーダン共和国", "South Sudan", "SS", "SSD", "728"],
  ["03_148", "モーリシャス", "Mauritius", "MU", "MUS", "480"],
  ["03_149", "モーリタニア", "Mauritania", "MR", "MRT", "478"],
  ["03_150", "モザンビーク", "Mozambique", "MZ", "MOZ", "508"],
  ["03_151", "モロッコ", "Morocco", "MA", "MAR", "504"],
  ["03_152", "リビア", "Libya", "LY", "LBY", "434"],
  ["03_153", "リベリア", "Liberia", "LR", "LBR", "430"],
  ["03_154", "ルワンダ", "Rwanda", "RW", "RWA", "646"],
  ["03_155", "レソト", "Lesotho", "LS", "LSO", "426"],
  ["04_156", "アンティグア・バーブーダ", "Antigua and Barbuda", "AG", "ATG", "028"],
  ["04_157", "エルサルバドル", "El Salvador", "SV", "SLV", "222"],
  ["04_158", "カナダ", "Canada", "CA", "CAN", "124"],
  ["04_159", "キューバ", "Cuba", "CU", "CUB", "192"],
  ["04_160", "グアテマラ", "Guatemala", "GT", "GTM", "320"],
  ["04_161", "グレナダ", "Grenada", "GD", "GRD", "308"],
  ["04_162", "コスタリカ", "Costa Rica", "CR", "CRI", "188"],
  ["04_163", "ジャマイカ", "Jamaica", "JM", "JAM", "388"],
  ["04_164", "セントクリストファー・ネービス", "Saint Christopher and Nevis", "KN", "KNA", "659"],
  ["04_165", "セントビンセント", "Saint Vincent", "VC", "VCT", "670"],
  ["04_166", "セントルシア", "Saint Lucia", "LC", "LCA", "662"],
  ["04_167", "ドミニカ", "Dominica", "DM", "DMA", "212"],
  ["04_168", "ドミニカ共和国", "Dominican Republic", "DO", "DOM", "214"],
  ["04_169", "トリニダード・トバゴ", "Trinidad and Tobago", "TT", "TTO", "780"],
  ["04_170", "ニカラグア", "Nicaragua", "NI", "NIC", "558"],
  ["04_171", "ハイチ", "Haiti", "HT", "HTI", "332"],
  ["04_172", "パナマ", "Panama", "PA", "PAN", "591"],
  ["04_173", "バハマ", "The Bahamas", "BS", "BHS", "044"],
  ["04_174", "バルバドス", "Barbados", "BB", "BRB", "052"],
  ["04_175", "米国", "United States of America", "US", "USA", "840"],
  ["04_176", "ベリーズ", "Belize", "BZ", "BLZ", "084"],
  ["04_177", "ホンジュラス", "Honduras", "HN", "HND", "340"],
  ["04_178", "メキシコ", "Mexico", "MX", "MEX", "484"],
  ["05_179", "アルゼンチン", "Argentina", "AR", "ARG", "032"],
  ["05_180", "ウルグアイ", "Uruguay", "UY", "URY", "858"],
  ["05_181", "エクアドル", "Ecuador", "EC", "ECU", "218"],
  ["05_182", "ガイアナ", "Guyana", "GY", "GUY", "328"],
  ["05_183", "コロンビア", "Colombia", "CO", "COL", "170"],
  ["05_184", "スリナム", "Suriname", "SR", "SUR", "740"],
  ["05_185", "チリ", "Chile", "CL", "CHL", "152"],
  ["05_186", "パラグアイ", "Paraguay", "PY", "PRY", "600"],
  ["05_187", "ブラジル", "Brazil", "BR", "BRA", "076"],
  ["05_188", "ベネズエラ", "Venezuela", "VE", "VEN", "862"],
  ["05_189", "ペルー", "Peru", "PE", "PER", "604"],
  ["05_190", "ボリビア", "Bolivia", "BO", "BOL", "068"],
  ["06_191", "オーストラリア", "Australia", "AU", "AUS", "036"],
  ["06_193", "キリバス", "Kiribati", "KI", "KIR", "296"],
  ["06_194", "サモア", "Samoa", "WS", "WSM", "882"],
  ["06_195", "ソロモン", "Solomon", "SB", "SLB", "090"],
  ["06_197", "ツバル", "Tuvalu", "TV", "TUV", "798"],
  ["06_198", "トンガ", "Tonga", "TO", "TON", "776"],
  ["06_199", "ナウル", "Nauru", "NR", "NRU", "520"],
  ["06_201", "ニュージーランド", "New Zealand", "NZ", "NZL", "554"],
  ["06_202", "バヌアツ", "Vanuatu", "VU", "VUT", "548"],
  ["06_203", "パプアニューギニア", "Papua New Guinea", "PG", "PNG", "598"],
  ["06_204", "パラオ", "Palau", "PW", "PLW", "585"],
  ["06_205", "フィジー", "Fiji", "FJ", "FJI", "242"],
  ["06_206", "マーシャル", "Marshall", "MH", "MHL", "584"],
  ["06_207", "ミクロネシア", "Micronesia", "FM", "FSM", "583"]
]

const notes: Readonly<Record<string, string>> = {
  "01_011": "Statistics: 韓国 and 朝鮮 are separate",
  "01_022": 'ISO: "Taiwan, Province of China". ISA treats it as a 地域 (region)',
  "01_023": "HKSAR / BN(O) passport holders are reportedly shown as 中国 (third party); no 香港 entry in ISA lists",
  "01_031": 'ISO: "Palestine, State of". ISA treats it as a 地域 (ヨルダン川西岸地区及びガザ地区)'
}
const regionKeys = new Set(["01_022", "01_031"])

const fromRow = ([statsCode, ja, en, alpha2, alpha3, numeric]: Row): NationalityEntry => {
  const note = notes[statsCode]
  return {
    key: statsCode,
    statsCode,
    region: statsCode.slice(0, 2) as Region,
    ja,
    en,
    iso: iso(alpha2, alpha3, numeric),
    ...(regionKeys.has(statsCode) ? { isRegion: true as const } : {}),
    lists: ["statistics", "rasens"],
    ...(note === undefined ? {} : { note }),
    source: names
  }
}

const special: ReadonlyArray<NationalityEntry> = [
  {
    key: "01_012",
    statsCode: "01_012",
    region: "01",
    ja: "朝鮮",
    aliases: ["（朝鮮）"],
    lists: ["statistics", "rasens"],
    note:
      "Not a state in ISO terms and not North Korea: do NOT map to KP/PRK. ISA label for people from the Korean peninsula " +
      "(and descendants, many of them special permanent residents) whose nationality has not been confirmed (OFFICIAL: " +
      "ISA reply to a 国政モニター, codes.md §10.2). RASENS gives no English",
    source: names
  },
  {
    key: "02_064",
    statsCode: "02_064",
    region: "02",
    ja: "コソボ",
    aliases: ["コソボ共和国"],
    en: "Kosovo",
    iso: { alpha2: "XK", alpha3: "XKX", status: "user-assigned", source: isoByName },
    lists: ["statistics", "rasens"],
    note: "Not in ISO 3166-1; XK/XKX are user-assigned codes in common use; Kosovo passports use RKS in the MRZ",
    source: names
  },
  {
    key: "02_073",
    statsCode: "02_073",
    region: "02",
    ja: "セルビア・モンテネグロ",
    iso: { alpha2: "CS", alpha3: "SCG", numeric: "891", status: "withdrawn", source: isoByName },
    lists: ["statistics"],
    note: "Statistics only (historical). Withdrawn from ISO 3166-1 in 2006 (now ISO 3166-3 CSXX)",
    source: names
  },
  {
    key: "07_000",
    statsCode: "07_000",
    region: "07",
    ja: "無国籍",
    en: "statelessness",
    icao: "XXA",
    lists: ["statistics", "rasens"],
    note: "No ISO code. ICAO 9303 MRZ uses XXA (stateless person); XXB/XXC refugee, XXX unspecified",
    source: names
  },
  {
    key: "VAT",
    ja: "バチカン",
    en: "Vatican",
    iso: iso("VA", "VAT", "336"),
    lists: ["rasens"],
    note: "Listed in the ISA online system but absent from the statistics code list",
    source: names
  },
  {
    key: "JPN",
    ja: "日本",
    en: "Japan",
    iso: iso("JP", "JPN", "392"),
    lists: ["rasens"],
    note: "Appears only in the online system's family-member lists; never a nationality on a residence card",
    source: names
  },
  {
    key: "HKG",
    ja: "香港",
    en: "Hong Kong",
    iso: iso("HK", "HKG", "344"),
    lists: [],
    note: "Not in ISA lists; ISO entry only. Holders are shown as 中国 on cards (third-party report)",
    source: { provenance: "INFERRED", inferred: true, ref: "codes.md §10.4: ISO entry only; names not from ISA" }
  },
  {
    key: "MAC",
    ja: "マカオ",
    en: "Macao",
    iso: iso("MO", "MAC", "446"),
    lists: [],
    note: "Not in ISA lists; ISO entry only",
    source: { provenance: "INFERRED", inferred: true, ref: "codes.md §10.4: ISO entry only; names not from ISA" }
  }
]

/**
 * Every entry: the 197 entries of the ISA statistics list (with 無国籍 and the historical セルビア・モンテネグロ) in
 * statistics-code order, then バチカン, 日本, 香港 and マカオ.
 */
export const entries: ReadonlyArray<NationalityEntry> = [
  ...[...rows.map(fromRow), ...special.filter((e) => e.statsCode !== undefined)].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0
  ),
  ...special.filter((e) => e.statsCode === undefined)
]

/**
 * ICAO 9303 codes that are not ISO 3166-1 (codes.md §10.5), relevant if the card code is derived from the passport
 * MRZ (INFERRED relevance). `key` links to an entry where the meaning is clear.
 */
export const icaoCodes: ReadonlyArray<{ readonly code: string; readonly meaning: string; readonly key?: string }> = [
  { code: "XXA", meaning: "stateless person", key: "07_000" },
  { code: "XXB", meaning: "refugee (1951 Convention)" },
  { code: "XXC", meaning: "other refugee" },
  { code: "XXX", meaning: "unspecified nationality" },
  { code: "D", meaning: "Germany (MRZ only)", key: "02_078" },
  { code: "GBD", meaning: "British Overseas Territories citizen" },
  { code: "GBN", meaning: "British National (Overseas)" },
  { code: "GBO", meaning: "British Overseas citizen" },
  { code: "GBP", meaning: "British protected person" },
  { code: "GBS", meaning: "British subject" },
  { code: "UNO", meaning: "United Nations official" },
  { code: "UNA", meaning: "United Nations specialized agency official" },
  { code: "UNK", meaning: "resident of Kosovo with a UNMIK travel document" },
  { code: "RKS", meaning: "Kosovo passport", key: "02_064" }
]

const index = <K extends string>(pick: (e: NationalityEntry) => K | undefined) => {
  const map = new Map<string, NationalityEntry>()
  for (const e of entries) {
    const k = pick(e)
    if (k !== undefined && !map.has(k)) map.set(k, e)
  }
  return (k: string) => map.get(k)
}

/** The entry with this `key` (ISA statistics code, or ISO alpha-3 for the four entries without one). */
export const byKey = index((e) => e.key)
/** By ISA statistics code `RR_NNN`. */
export const byStatsCode = index((e) => e.statsCode)
/** By ISO alpha-2 (upper case; user-assigned and withdrawn codes included). */
export const byAlpha2 = index((e) => e.iso?.alpha2)
/** By ISO alpha-3 (upper case; user-assigned and withdrawn codes included). */
export const byAlpha3 = index((e) => e.iso?.alpha3)
/** By ISO numeric, three digits. */
export const byNumeric = index((e) => e.iso?.numeric)

const byJa = new Map<string, NationalityEntry>()
for (const e of entries) for (const name of [e.ja, ...(e.aliases ?? [])]) byJa.set(name.normalize("NFKC"), e)
/** By Japanese name, including the statistics list's variants (コソボ共和国, （朝鮮）). */
export const byJapanese = (name: string): NationalityEntry | undefined => byJa.get(name.trim().normalize("NFKC"))
