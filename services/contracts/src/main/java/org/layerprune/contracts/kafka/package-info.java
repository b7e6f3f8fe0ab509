/**
 * Events on Kafka: typed topics with their serdes, the JSON they are written as, the errors of reading them, and
 * their CloudEvents headers.
 */
package org.layerprune.contracts.kafka;
