/**
 * The My Number card's applications (DFs, selected by AID) and the key references (PIN EFs) under them, with the
 * facts the reader needs about each: shared/reference/mynumber-card.md §2, §3 and §6.1.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { fromHex } from "../Bytes.js"

export const Application = Schema.Literals(["jpki", "kenhojo", "kenkaku", "common", "juki"])
export type Application = typeof Application.Type

export interface ApplicationSpec {
  readonly aid: Uint8Array
  /** The name the card issuer (J-LIS) uses, then an English gloss. */
  readonly name: string
}

export const applications: Record<Application, ApplicationSpec> = {
  jpki: { aid: fromHex("D392F000260100000001"), name: "公的個人認証AP (JPKI)" },
  kenhojo: { aid: fromHex("D3921000310001010408"), name: "券面事項入力補助AP (text data)" },
  kenkaku: { aid: fromHex("D3921000310001010402"), name: "券面事項確認AP (card face)" },
  common: { aid: fromHex("D3921000310001010100"), name: "共通AP (card information)" },
  juki: { aid: fromHex("D3921000310001010401"), name: "住基AP (resident registry)" }
}

/** What a credential is, by format: decides which secret value class it takes. */
export const SecretKind = Schema.Literals([
  "pin4",
  "signingPassword",
  "verificationNumberA",
  "verificationNumberB",
  "birthDateKey"
])
export type SecretKind = typeof SecretKind.Type

/** Every key reference (PIN EF) of the card that the library knows. */
export const Credential = Schema.Literals([
  "jpki.authenticationPin",
  "jpki.signingPassword",
  "kenhojo.pin",
  "kenhojo.verificationNumberA",
  "kenhojo.verificationNumberB",
  "kenkaku.birthDateKey",
  "kenkaku.verificationNumberB",
  "kenkaku.verificationNumberA",
  "common.pin",
  "juki.pin"
])
export type Credential = typeof Credential.Type

export interface CredentialSpec {
  readonly application: Application
  /** The key EF: SELECT it, then VERIFY `00 20 00 80`. */
  readonly keyEf: number
  readonly kind: SecretKind
  /** Tries a new card has, when a source gives it; `undefined` when unknown. */
  readonly maxTries: number | undefined
  /** How the card and the municipal office name it, then an English gloss. Safe for messages. */
  readonly label: string
}

export const credentials: Record<Credential, CredentialSpec> = {
  "jpki.authenticationPin": {
    application: "jpki",
    keyEf: 0x0018,
    kind: "pin4",
    maxTries: 3,
    label: "利用者証明用電子証明書の暗証番号 (4-digit user-authentication PIN)"
  },
  "jpki.signingPassword": {
    application: "jpki",
    keyEf: 0x001b,
    kind: "signingPassword",
    maxTries: 5,
    label: "署名用電子証明書の暗証番号 (signing password, 6–16 letters and digits)"
  },
  "kenhojo.pin": {
    application: "kenhojo",
    keyEf: 0x0011,
    kind: "pin4",
    maxTries: 3,
    label: "券面事項入力補助用暗証番号 (4-digit PIN for the card text)"
  },
  // 照合番号 counters: 10 per MC src/data.rs, 3 per SCT constants (§6.1 [conflict]); the guard reads the card's own
  // counter anyway, so the maximum is informative only.
  "kenhojo.verificationNumberA": {
    application: "kenhojo",
    keyEf: 0x0014,
    kind: "verificationNumberA",
    maxTries: undefined,
    label: "照合番号A (the 12-digit My Number)"
  },
  "kenhojo.verificationNumberB": {
    application: "kenhojo",
    keyEf: 0x0015,
    kind: "verificationNumberB",
    maxTries: undefined,
    label: "照合番号B (birth date, expiry year and security code)"
  },
  "kenkaku.birthDateKey": {
    application: "kenkaku",
    keyEf: 0x0011,
    kind: "birthDateKey",
    maxTries: undefined,
    label: "生年月日 (the 6-digit birth date key)"
  },
  "kenkaku.verificationNumberB": {
    application: "kenkaku",
    keyEf: 0x0012,
    kind: "verificationNumberB",
    maxTries: undefined,
    label: "照合番号B (birth date, expiry year and security code)"
  },
  "kenkaku.verificationNumberA": {
    application: "kenkaku",
    keyEf: 0x0013,
    kind: "verificationNumberA",
    maxTries: undefined,
    label: "照合番号A (the 12-digit My Number)"
  },
  "common.pin": {
    application: "common",
    keyEf: 0x001c,
    kind: "pin4",
    maxTries: 3,
    label: "共通AP暗証番号 (4-digit PIN of the common application)"
  },
  "juki.pin": {
    application: "juki",
    keyEf: 0x001c,
    kind: "pin4",
    maxTries: 3,
    label: "住民基本台帳用暗証番号 (4-digit resident-registry PIN)"
  }
}
