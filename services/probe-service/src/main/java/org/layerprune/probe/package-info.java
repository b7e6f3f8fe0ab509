/** The probe stage: experiments.requested to similarity.probed, a thin adapter over core's Probe. */
package org.layerprune.probe;
