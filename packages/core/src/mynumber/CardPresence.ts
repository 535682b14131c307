/**
 * Proof that the card is on the reader (shared/reference/mynumber-card.md §8.7): the 券面 applications sign a
 * challenge with the card's own key without any PIN (`80 2A 00 00`). The result proves presence only once checked
 * with the card key from a record whose signature has been verified (kenkaku DF24 / DF12 / DF42); a key from an
 * unverified record is one an attacker may have chosen.
 *
 * The signed message is the card's GET CHALLENGE answer followed by a nonce the card cannot choose: the caller's
 * (from a server, for remote verification) or 16 fresh bytes from `SecureRandom`. A replayed or prepared signature
 * then cannot match.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Apdu from "../apdu/Apdu.js"
import { concat, copy } from "../Bytes.js"
import { sha256 } from "../crypto/Hash.js"
import * as Input from "../Input.js"
import * as Iso7816 from "../iso7816/Iso7816.js"
import { SecureRandom } from "../random/SecureRandom.js"
import { InvalidNonceError } from "./Errors.js"
import { selectApplication } from "./Read.js"
import { sha256DigestInfo } from "./Records.js"

export interface PresenceProof {
  readonly application: "kenkaku" | "kenhojo"
  /** What was signed: the card's challenge ‖ the nonce. */
  readonly message: Uint8Array
  /** DigestInfo(SHA-256(message)), the payload of the PKCS#1 v1.5 signature. */
  readonly digestInfo: Uint8Array
  /** The card's RSA signature. */
  readonly signature: Uint8Array
}

export interface PresenceOptions {
  /** Which application's card key signs (default `kenkaku`). */
  readonly application?: "kenkaku" | "kenhojo" | undefined
  /** The verifier's nonce (1–64 bytes); default 16 bytes from `SecureRandom`. */
  readonly nonce?: Uint8Array | undefined
}

/** SELECT, GET CHALLENGE (16 bytes), `80 2A 00 00 33 <DigestInfo> 00`. Three APDUs, no credential. */
export const provePresence = Effect.fn("mynumber.provePresence")(function* (options: PresenceOptions = {}) {
  // The nonce has its own typed error (below); the options object and the application are checked here.
  yield* Input.requireOptions("mynumber.provePresence", options, {
    application: Input.oneOf(["kenkaku", "kenhojo"], '"kenkaku" or "kenhojo"')
  })
  const application = options.application ?? "kenkaku"
  const step = `mynumber.${application}.provePresence`
  // The nonce is the verifier's (untrusted input, like a digest to sign): a wrong one is a typed error, not a die.
  const given = options.nonce
  if (given !== undefined && (!(given instanceof Uint8Array) || given.length < 1 || given.length > 64))
    return yield* new InvalidNonceError({ length: given instanceof Uint8Array ? given.length : 0 })
  yield* selectApplication(application)
  const challenge = yield* Iso7816.getChallenge(16, `${step}.challenge`)
  const nonce = options.nonce ?? (yield* (yield* SecureRandom).nextBytes(16))
  const message = concat(challenge, nonce)
  const digestInfo = sha256DigestInfo(sha256(message))
  const signature = yield* Iso7816.command(Apdu.command(0x80, 0x2a, 0x00, 0x00, digestInfo, 256), {
    step: `${step}.sign`
  })
  if (signature.length === 0)
    return yield* new Apdu.MalformedResponseError({ step: `${step}.sign`, detail: "no signature in the answer" })
  return { application, message, digestInfo, signature: copy(signature) } satisfies PresenceProof
})
