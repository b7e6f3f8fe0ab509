/**
 * The contract between layerprune's services, in Java: the events of {@code schemas/} as records, typed Kafka topics
 * with their serdes, CloudEvents headers and artifact refs. Plain Java, kafka-clients and Jackson, so that services
 * and tests share it without Quarkus.
 */
package org.layerprune.contracts;
