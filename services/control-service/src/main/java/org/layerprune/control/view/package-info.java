/** One experiment as its events tell it, folded in plain Java (no Kafka): state, variants, scores, failures, curves. */
package org.layerprune.control.view;
