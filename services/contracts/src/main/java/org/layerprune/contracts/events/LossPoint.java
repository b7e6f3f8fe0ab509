package org.layerprune.contracts.events;

/**
 * A point of a training loss curve.
 *
 * @param step the optimizer update, from 1
 * @param loss its mean token negative log-likelihood, in nats
 */
public record LossPoint(long step, double loss) {
}
