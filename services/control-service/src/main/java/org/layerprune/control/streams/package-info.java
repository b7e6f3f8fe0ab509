/** Kafka Streams: the topology that folds every event topic into one view per experiment, and queries of its store. */
package org.layerprune.control.streams;
