/**
 * Card-number authentication (在留カード等番号による認証): GET CHALLENGE, MUTUAL AUTHENTICATE, session key, VERIFY
 * under secure messaging. 在留カード等仕様書 Ver 1.5 §3.5 (pp. 15–16), §4.2.2–§4.2.4 (pp. 23–28), 別添1 (pp. 34–35).
 *
 * The card counts no failed attempts (§4.2.2(2), p. 23), but the library still never retries: a wrong number is a
 * typed error for the caller to handle.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Apdu from "../apdu/Apdu.js"
import { CardStatusError } from "../apdu/StatusWord.js"
import { concat, equalConstantTime } from "../Bytes.js"
import { pad } from "../crypto/Padding.js"
import * as Iso7816 from "../iso7816/Iso7816.js"
import { SecureRandom } from "../random/SecureRandom.js"
import type { CardNumber } from "./CardNumber.js"
import { type CipherSuite, deriveAccessKey, deriveSessionKey } from "./CipherSuite.js"
import { ResidenceAuthenticationError } from "./Errors.js"
import { SecureSession } from "./Session.js"

const steps = {
  challenge: "residence.authenticate.getChallenge",
  mutual: "residence.authenticate.mutualAuthenticate",
  verify: "residence.authenticate.verify"
} as const

/**
 * Runs the whole sequence and returns the secure-messaging session. The card number must already be validated
 * (`CardNumber.parse`); the cipher suite comes from the card type (`Detect`).
 */
export const authenticate = Effect.fn("residence.authenticate")(function* (cardNumber: CardNumber, suite: CipherSuite) {
  const random = yield* SecureRandom
  const number = cardNumber.bytes()
  const kEnc = deriveAccessKey(number)
  const kMac = kEnc // Kenc and Kmac are the same value (別添1, p. 34).

  // 別添1 Step 2: the card's challenge RND.ICC.
  const rndIcc = yield* Iso7816.getChallenge(8, steps.challenge)

  // Step 1 and 3: RND.IFD (8), K.IFD (16); E_IFD = e(RND.IFD ‖ RND.ICC ‖ K.IFD), M_IFD = m(E_IFD).
  const rndIfd = yield* random.nextBytes(8)
  const kIfd = yield* random.nextBytes(16)
  const eIfd = suite.encrypt(kEnc, concat(rndIfd, rndIcc, kIfd))
  const mIfd = suite.mac(kMac, eIfd)

  // Step 4: MUTUAL AUTHENTICATE 00 82 00 00 28 ‖ E_IFD ‖ M_IFD ‖ 00 (§4.2.4(3), p. 27).
  const response = yield* Iso7816.exchange(Apdu.command(0x00, 0x82, 0x00, 0x00, concat(eIfd, mIfd), 256), {
    step: steps.mutual
  })
  if (response.sw === 0x6300)
    return yield* new ResidenceAuthenticationError({ step: steps.mutual, reason: "WrongCardNumber" })
  if (response.sw !== 0x9000) return yield* CardStatusError.fromSw(steps.mutual, response.sw)
  const expectedLength = 32 + 8
  if (response.data.length !== expectedLength)
    return yield* new Apdu.MalformedResponseError({
      step: steps.mutual,
      detail: `${response.data.length} bytes, ${expectedLength} expected`
    })
  const eIcc = response.data.subarray(0, 32)
  const mIcc = response.data.subarray(32, 40)

  // 別添2 steps 7–9: check M_ICC, then that the card echoes both randoms.
  if (!equalConstantTime(suite.mac(kMac, eIcc), mIcc))
    return yield* new ResidenceAuthenticationError({ step: steps.mutual, reason: "CardMacInvalid" })
  const plain = suite.decrypt(kEnc, eIcc)
  if (!equalConstantTime(plain.subarray(0, 8), rndIcc) || !equalConstantTime(plain.subarray(8, 16), rndIfd))
    return yield* new ResidenceAuthenticationError({ step: steps.mutual, reason: "RandomMismatch" })
  const kIcc = plain.subarray(16, 32)

  // Step 5: KSenc.
  const session = new SecureSession(suite, deriveSessionKey(kIfd, kIcc))

  // VERIFY under SM: 08 20 00 86 13 ‖ 86 11 01 ‖ e[KSenc](card number ‖ 80 00 00 00) (§4.2.2(3), p. 23).
  const cryptogram = session.encrypt(pad(number, suite.blockSize))
  const verify = yield* Iso7816.exchange(
    Apdu.command(0x08, 0x20, 0x00, 0x86, concat(Uint8Array.of(0x86, 0x11, 0x01), cryptogram)),
    {
      step: steps.verify
    }
  )
  if (verify.sw === 0x6300)
    return yield* new ResidenceAuthenticationError({ step: steps.verify, reason: "WrongCardNumber" })
  if (verify.sw !== 0x9000) return yield* CardStatusError.fromSw(steps.verify, verify.sw)
  return session
})
