/**
 * Card-wide operations of the My Number card: the retry status of every PIN and key, read without consuming a try.
 * The per-application readers are `Jpki`, `Kenhojo`, `Kenkaku` and `Common`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Input from "../Input.js"
import { type Application, type Credential, Credential as CredentialSchema, credentials } from "./Applications.js"
import * as PinGuard from "./PinGuard.js"
import { selectApplication } from "./Read.js"

/** Every credential, grouped by application in the order the card is visited. */
export const allCredentials: ReadonlyArray<Credential> = CredentialSchema.literals

/**
 * The tries left of each credential (default: all ten), consuming none (§8.5): per application one SELECT, then per
 * key SELECT EF + `00 20 00 80`. An application the card lacks gives `absent` for its credentials (a smartphone
 * JPKI has only the JPKI application); a JPKI application the card lacks is `NotMyNumberCardError`.
 */
export const readPinStatus = Effect.fn("mynumber.readPinStatus")(function* (
  which: ReadonlyArray<Credential> = allCredentials
) {
  yield* Input.requireArgument(
    "mynumber.readPinStatus",
    "which",
    which,
    Input.arrayOf(PinGuard.credentialCheck.is, `an array of credential names (${allCredentials.join(", ")})`)
  )
  const out: Array<PinGuard.PinStatus> = []
  const byApplication = new Map<Application, Array<Credential>>()
  for (const credential of allCredentials) {
    if (!which.includes(credential)) continue
    const application = credentials[credential].application
    byApplication.set(application, [...(byApplication.get(application) ?? []), credential])
  }
  for (const [application, group] of byApplication) {
    const selected = yield* selectApplication(application).pipe(
      Effect.as(true),
      Effect.catchTag("NotMyNumberCardError", (e) => (application === "jpki" ? Effect.fail(e) : Effect.succeed(false)))
    )
    for (const credential of group)
      out.push(selected ? yield* PinGuard.status(credential) : { credential, state: "absent" })
  }
  return out as ReadonlyArray<PinGuard.PinStatus>
})
