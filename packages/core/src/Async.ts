/**
 * Promise façade for callers who do not use Effect. Each function runs one pipeline over the given transport and
 * rejects with the same typed error objects the Effect API fails with (check `error._tag`).
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import * as Input from "./Input.js"
import * as ResidenceCard from "./residence/ResidenceCard.js"
import { CardTransport, type CardTransportShape } from "./transport/CardTransport.js"

/** A transport as `CardTransport.make` builds it: `transmit` and `capabilities` (checked: callers here are plain JS). */
const transportCheck: Input.Check = {
  expected: "a CardTransport (an object with transmit and capabilities)",
  is: (value) => Input.isRecord(value) && typeof value.transmit === "function" && Input.isRecord(value.capabilities)
}

const run = <A, E>(
  step: string,
  transport: CardTransportShape,
  effect: Effect.Effect<A, E, CardTransport>
): Promise<A> =>
  Effect.runPromise(
    Input.requireArgument(step, "transport", transport, transportCheck).pipe(
      Effect.andThen(effect.pipe(Effect.provide(Layer.succeed(CardTransport, transport))))
    )
  )

/** Reads a residence card (either generation) end to end. */
export const readResidenceCard = (
  transport: CardTransportShape,
  cardNumber: string,
  options: ResidenceCard.ReadOptions = {}
): Promise<ResidenceCard.ResidenceCard> => run("readResidenceCard", transport, ResidenceCard.read(cardNumber, options))

/** Reads the card type and spec version (no card number needed). */
export const detectResidenceCard = (transport: CardTransportShape): Promise<ResidenceCard.Detection> =>
  run("detectResidenceCard", transport, ResidenceCard.detect())
