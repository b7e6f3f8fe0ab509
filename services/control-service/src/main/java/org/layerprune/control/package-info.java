/** The control service: the REST API to submit and follow experiments, over a Kafka Streams view of every event. */
package org.layerprune.control;
