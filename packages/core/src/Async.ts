/**
 * Promise façade for callers who do not use Effect. Each function runs one pipeline over the given transport and
 * rejects with the same typed error objects the Effect API fails with (check `error._tag`).
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import * as ResidenceCard from "./residence/ResidenceCard.js"
import { CardTransport, type CardTransportShape } from "./transport/CardTransport.js"

const run = <A, E>(transport: CardTransportShape, effect: Effect.Effect<A, E, CardTransport>): Promise<A> =>
  Effect.runPromise(effect.pipe(Effect.provide(Layer.succeed(CardTransport, transport))))

/** Reads a residence card (either generation) end to end. */
export const readResidenceCard = (
  transport: CardTransportShape,
  cardNumber: string,
  options: ResidenceCard.ReadOptions = {}
): Promise<ResidenceCard.ResidenceCard> => run(transport, ResidenceCard.read(cardNumber, options))

/** Reads the card type and spec version (no card number needed). */
export const detectResidenceCard = (transport: CardTransportShape): Promise<ResidenceCard.Detection> =>
  run(transport, ResidenceCard.detect())
